// events/param_text.cpp: how each parameter type prints (sysdig's rules).
#include "events/param_text.h"

#include <gtest/gtest.h>

#include "scap_builder.h"

namespace vedetta::events {
namespace {

std::string text(uint16_t type, size_t param, const std::vector<uint8_t>& bytes,
                 const ThreadTable& threads = ThreadTable(), int64_t tid = 1) {
  const EventInfo* info = event_info(type);
  ParamText t = param_text(info->params.at(param), bytes, threads, tid);
  return t.resolved.empty() ? t.value : t.value + "(" + t.resolved + ")";
}

ThreadTable one_thread() {
  CaptureMetadata m;
  ThreadEntry t;
  t.tid = t.pid = 1;
  t.comm = "curl";
  t.cwd = "/home/u";
  FdEntry f;
  f.fd = 3;
  f.type = FdType::kFile;
  f.name = "/etc/hosts";
  t.fds.push_back(f);
  FdEntry s;
  s.fd = 4;
  s.type = FdType::kIpv4Sock;
  s.l4 = L4Proto::kTcp;
  s.name = "10.0.0.1:5000->10.0.0.2:80";
  t.fds.push_back(s);
  m.threads.push_back(t);
  m.users[0] = "root";
  ThreadTable threads;
  threads.seed(m);
  return threads;
}

TEST(ParamText, FlagsInTableOrder) {
  EXPECT_EQ(text(3, 2, test::p_u32(4097)), "4097(O_RDONLY|O_CLOEXEC)");
  EXPECT_EQ(text(3, 2, test::p_u32(262)), "262(O_TRUNC|O_CREAT|O_WRONLY)");
  EXPECT_EQ(text(3, 2, test::p_u32(3)), "3(O_RDWR)");
  EXPECT_EQ(text(264, 0, test::p_u32(0)), "0(F_OK)");
  EXPECT_EQ(text(264, 0, test::p_u32(4)), "4(R_OK)");
  EXPECT_EQ(text(64, 1, test::p_u16(128)), "128(FUTEX_PRIVATE_FLAG)");
}

TEST(ParamText, NumbersInTheirFormats) {
  EXPECT_EQ(text(3, 3, test::p_u32(0666)), "0666");  // octal
  EXPECT_EQ(text(3, 3, test::p_u32(0)), "0");
  EXPECT_EQ(text(3, 4, test::p_u32(0x2d)), "2D");  // hex, upper case
  EXPECT_EQ(text(159, 0, test::p_u64(0x55db0de73000)), "55DB0DE73000");
  EXPECT_EQ(text(7, 0, test::p_u64(static_cast<uint64_t>(-11))), "-11(EAGAIN)");
  EXPECT_EQ(text(7, 0, test::p_u64(static_cast<uint64_t>(-514))), "-514(ERESTARTNOHAND)");
  EXPECT_EQ(text(134, 0, test::p_u64(0)), "0(0s)");
  EXPECT_EQ(text(134, 0, test::p_u64(1500000000)), "1500000000(1.5s)");
}

TEST(ParamText, FdsNeedTheThreadAndItsTable) {
  ThreadTable threads = one_thread();
  EXPECT_EQ(text(6, 0, test::p_u64(3), threads), "3(<f>/etc/hosts)");
  EXPECT_EQ(text(6, 0, test::p_u64(4), threads), "4(<4t>10.0.0.1:5000->10.0.0.2:80)");
  EXPECT_EQ(text(6, 0, test::p_u64(9), threads), "9");
  EXPECT_EQ(text(3, 0, test::p_u64(static_cast<uint64_t>(-2)), threads), "-2(ENOENT)");
  EXPECT_EQ(text(6, 0, test::p_u64(3), threads, /*tid=*/77), "3") << "unknown thread";
  EXPECT_EQ(text(223, 0, test::p_u64(1), threads), "1(curl)");
  EXPECT_EQ(text(203, 0, test::p_u32(0), threads), "0(root)");
  EXPECT_EQ(text(203, 0, test::p_u32(1000), threads), "1000(<NA>)");
}

TEST(ParamText, BuffersPathsAndAddresses) {
  EXPECT_EQ(text(7, 1, test::p_buf(std::string("a\nb\0c", 5))), "a.b.c");
  EXPECT_EQ(text(7, 1, {}), "");
  std::string longer(100, 'x');
  std::string shown = text(7, 1, test::p_buf(longer));
  EXPECT_EQ(shown.size(), 80u);
  EXPECT_EQ(shown.substr(77), "...");
  const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  EXPECT_EQ(text(23, 1, test::p_tuple4(a, 5000, b, 80)), "10.0.0.1:5000->10.0.0.2:80");
  EXPECT_EQ(text(30, 2, {}), "NULL");
  ThreadTable threads = one_thread();
  EXPECT_EQ(text(3, 1, test::p_str("/etc/hosts"), threads), "/etc/hosts");
  EXPECT_EQ(text(3, 1, test::p_str("x/../y"), threads), "x/../y(/home/u/y)");
}

TEST(ParamText, ResolvePath) {
  EXPECT_EQ(resolve_path("/a/b/", "c"), "/a/b/c");
  EXPECT_EQ(resolve_path("/a/b/", "../c"), "/a/c");
  EXPECT_EQ(resolve_path("/a/", "/x//./y"), "/x/y");
  // sysdig joins as text: an empty path names the directory, a base without a
  // final '/' is glued to the path, ".." rewinds into whatever text is there.
  EXPECT_EQ(resolve_path("/work/", ""), "/work");
  EXPECT_EQ(resolve_path("", "../x/./y"), "x/y");
  EXPECT_EQ(resolve_path("<UNKNOWN>", "nowhere"), "<UNKNOWN>nowhere");
  EXPECT_EQ(resolve_path("<UNKNOWN>", "../x"), "x");
  EXPECT_EQ(resolve_path("/", ".."), "/");
  EXPECT_EQ(signal_name(29), "SIGIO");
  EXPECT_EQ(errno_name(2), "ENOENT");
}

}  // namespace
}  // namespace vedetta::events
