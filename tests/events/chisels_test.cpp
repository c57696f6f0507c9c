// events/chisels: byte and column text, the per-second clock, what the
// network chisels count and how the top tables print.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/user_error.h"
#include "events/chisels/chisel.h"
#include "events/chisels/registry.h"
#include "events/chisels/text_columns.h"
#include "events/event_table.h"
#include "events/socket_names.h"
#include "scap_builder.h"

namespace vedetta::events::chisels {
namespace {

using test::make_event;
using test::p_buf;
using test::p_u32;
using test::p_u64;

TEST(FormatBytes, BytesUpTo1024ThenTwoDecimals) {
  EXPECT_EQ(format_bytes(0), "0B");
  EXPECT_EQ(format_bytes(78), "78B");
  EXPECT_EQ(format_bytes(1024), "1024B");  // sysdig compares with '>'
  EXPECT_EQ(format_bytes(1025), "1.00KB");
  EXPECT_EQ(format_bytes(6042), "5.90KB");
  EXPECT_EQ(format_bytes(1024 * 1024), "1024.00KB");
  EXPECT_EQ(format_bytes(1024 * 1024 + 1), "1.00M");  // M, not MB, as in sysdig
  EXPECT_EQ(format_bytes(5ULL << 30 | 1), "5.00G");
  EXPECT_EQ(format_bytes((1ULL << 40) * 3 / 2), "1.50T");
  EXPECT_EQ(format_bytes((1ULL << 50) * 3), "3.00P");
}

TEST(PadColumn, PadsOrCutsToWidthMinusOneAndABlank) {
  EXPECT_EQ(pad_column("tcp", 6), "tcp   ");
  EXPECT_EQ(pad_column("abcdef", 6), "abcde ");
  EXPECT_EQ(pad_column("fe80::ceb:feff:fe7d:6f7e%eth0", 10), "fe80::ceb ");
  EXPECT_EQ(pad_column("x", 0), "");
}

// Records the times on_interval is called with.
struct IntervalRecorder : Chisel {
  std::vector<uint64_t>* calls;
  explicit IntervalRecorder(std::vector<uint64_t>* c) : calls(c) {}
  void on_event(const Event&, const ThreadTable&) override {}
  bool wants_interval() const override { return true; }
  void on_interval(uint64_t now) override { calls->push_back(now); }
};

TEST(ChiselRunner, IntervalWhenAnEventStartsANewSecondOneForAGap) {
  std::vector<uint64_t> calls;
  ChiselRunner runner(std::make_unique<IntervalRecorder>(&calls), false);
  ThreadTable threads;
  constexpr uint64_t s = 1'000'000'000;
  for (uint64_t t : {10 * s + s / 2, 10 * s + 9 * s / 10, 11 * s + s / 5, 11 * s + s / 3, 14 * s}) {
    Event e;
    e.ts_ns = t;
    runner.on_event(e, threads);
  }
  EXPECT_EQ(calls, (std::vector<uint64_t>{11 * s + s / 5, 14 * s}));
}

TEST(ChiselRunner, LiveTicksNeverGoBackInTime) {
  std::vector<uint64_t> calls;
  ChiselRunner runner(std::make_unique<IntervalRecorder>(&calls), true);
  constexpr uint64_t s = 1'000'000'000;
  runner.tick(5 * s);
  runner.tick(6 * s + 1);
  runner.tick(5 * s + 7);  // an event released late
  runner.tick(7 * s);
  EXPECT_EQ(calls, (std::vector<uint64_t>{6 * s + 1, 7 * s}));
}

// A process with sockets on fds 3 and 4 and a file on fd 5; calls on them
// as enter/exit event pairs.
struct NetworkFixture : ::testing::Test {
  ThreadTable threads;
  std::FILE* out = std::tmpfile();
  uint64_t ts = 1'600'000'000'000'000'000;

  NetworkFixture() {
    ThreadInfo& th = threads.add(42);
    th.comm = "curl";
    auto sock = [](FdType type, L4Proto l4, const char* sip, uint16_t sport, const char* dip,
                   uint16_t dport) {
      FdInfo fd;
      fd.type = type;
      fd.l4 = l4;
      fd.has_tuple = true;
      fd.sip = sip, fd.dip = dip, fd.sport = sport, fd.dport = dport;
      fd.name = tuple_text(sip, sport, dip, dport);
      return fd;
    };
    (*th.fds)[3] = sock(FdType::kIpv4Sock, L4Proto::kTcp, "10.0.0.1", 5000, "10.0.0.2", 80);
    (*th.fds)[4] = sock(FdType::kIpv6Sock, L4Proto::kUdp, "::1", 6000, "::1", 53);
    (*th.fds)[5].name = "/etc/hosts";
    (*th.fds)[5].type = FdType::kFile;
  }
  ~NetworkFixture() override { std::fclose(out); }

  // read (6/7) or write (8/9) on `fd` returning `res`.
  void call(Chisel& c, uint16_t enter_type, int64_t fd, int64_t res) {
    c.on_event(make_event({ts++, 42, enter_type, {p_u64(static_cast<uint64_t>(fd)), p_u32(100)}}),
               threads);
    c.on_event(make_event({ts++, 42, static_cast<uint16_t>(enter_type + 1),
                           {p_u64(static_cast<uint64_t>(res)), p_buf("data")}}),
               threads);
  }
  std::string printed() {
    std::fflush(out);
    std::rewind(out);
    std::string text;
    for (int ch; (ch = std::fgetc(out)) != EOF;) text += static_cast<char>(ch);
    return text;
  }
};

constexpr uint16_t kRead = 6, kWrite = 8;

TEST_F(NetworkFixture, TopconnsSumsSocketBytesOnlyEqualBytesInKeyOrder) {
  auto c = make_chisel({"topconns"}, {out, false, false});
  call(*c, kRead, 3, 700);
  call(*c, kWrite, 3, 300);  // 1000 B on the TCP connection
  call(*c, kWrite, 4, 600);
  call(*c, kRead, 4, 400);   // 1000 B on the UDP one too: a tie
  call(*c, kRead, 5, 9999);  // a file: not counted
  call(*c, kRead, 3, -11);   // failed (EAGAIN): not counted
  c->on_capture_end(threads);
  EXPECT_EQ(printed(),
            "Bytes               Proto               Conn                \n" +
                std::string(80, '-') +
                "\n"
                "1000B               tcp                 10.0.0.1:5000->10.0.0.2:80\n"
                "1000B               udp                 ::1:6000->::1:53\n");
}

TEST_F(NetworkFixture, AContextSwitchOrProcinfoInsideACallKeepsItsFd) {
  uint16_t procinfo = 0;
  auto is_procinfo = [](uint16_t t) { return event_info(t) && event_info(t)->name == "procinfo"; };
  while (procinfo < event_type_count() && !is_procinfo(procinfo)) ++procinfo;
  ASSERT_LT(procinfo, event_type_count());
  auto c = make_chisel({"topprocs_net"}, {out, false, false});
  c->on_event(make_event({ts++, 42, kWrite, {p_u64(3), p_u32(100)}}), threads);
  c->on_event(make_event({ts++, 42, 152, {p_u64(0), p_u64(0), p_u64(0), p_u32(0), p_u32(0), p_u32(0)}}),
              threads);  // switch
  c->on_event(make_event({ts++, 42, procinfo, {p_u64(1), p_u64(2)}}), threads);
  c->on_event(make_event({ts++, 42, kWrite + 1, {p_u64(2048), p_buf("x")}}), threads);
  c->on_capture_end(threads);
  EXPECT_NE(printed().find("\n2.00KB              curl                42\n"), std::string::npos);
}

TEST_F(NetworkFixture, SpyPortRepeatsTheHeadingUntilTheDirectionChanges) {
  auto c = make_chisel({"spy_port", "80 disable_colors"}, {out, false, false});
  call(*c, kWrite, 3, 78);
  call(*c, kRead, 3, 6042);
  call(*c, kRead, 3, 10);
  call(*c, kRead, 4, 10);  // port 53: not shown
  c->on_capture_end(threads);
  EXPECT_EQ(printed(),
            "------ Write 78B\ndata\n------ Read 5.90KB\ndata\n------ Read 5.90KB\ndata\n\n");
}

TEST(Registry, UnknownChiselOrWrongArgumentsNameWhatExists) {
  ChiselOutput out{stdout, false, false};
  try {
    make_chisel({"topfiles"}, out);
    FAIL() << "no error";
  } catch (const UserError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("unknown chisel 'topfiles'"), std::string::npos) << what;
    EXPECT_NE(what.find("spy_port PORT"), std::string::npos) << what;
  }
  EXPECT_THROW(make_chisel({"spy_port"}, out), UserError);
  EXPECT_THROW(make_chisel({"spy_port", "http"}, out), UserError);
  EXPECT_THROW(make_chisel({"spy_port", "70000"}, out), UserError);
  EXPECT_THROW(make_chisel({"spy_port", "80", "no_colors"}, out), UserError);
  EXPECT_THROW(make_chisel({"topconns", "5"}, out), UserError);
  EXPECT_NE(make_chisel({"spy_port", "53"}, out), nullptr);
}

}  // namespace
}  // namespace vedetta::events::chisels
