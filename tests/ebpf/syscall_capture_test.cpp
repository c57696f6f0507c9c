// Live test of the raw-tracepoint capture: this process makes known system
// calls on loopback and must see each of them, entry and exit, with the
// right arguments and results, and no drops.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/user_error.h"
#include "ebpf/syscall_capture.h"

namespace vedetta {
namespace {

void skip_or_fail(const std::string& why) {
  if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true") {
    ADD_FAILURE() << why;
    return;
  }
  std::printf("SKIP: %s\n", why.c_str());
  std::exit(77);
}

TEST(SyscallCapture, SeesOwnConnectAndCloseOnLoopback) {
  if (geteuid() != 0) return skip_or_fail("needs root to load BPF programs");
  std::unique_ptr<SyscallCapture> cap;
  try {
    SyscallCaptureOptions o;
    o.syscalls = {SYS_connect, SYS_close};
    o.only_pid = static_cast<uint32_t>(getpid());
    o.include_self = true;
    cap = SyscallCapture::open(o);
  } catch (const UserError& e) {
    return skip_or_fail(std::string("BPF unavailable: ") + e.what());
  }

  int server = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(server, 4), 0);
  socklen_t len = sizeof a;
  getsockname(server, reinterpret_cast<sockaddr*>(&a), &len);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(client);
  close(server);

  std::vector<vedetta_syscall_event> seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (seen.size() < 6 && std::chrono::steady_clock::now() < deadline)
    cap->poll(100, [&](const vedetta_syscall_event& e) { seen.push_back(e); });

  bool connect_enter = false, connect_exit = false, close_client = false, close_server = false;
  for (const auto& e : seen) {
    EXPECT_EQ(e.tgid, static_cast<uint32_t>(getpid()));
    if (e.syscall == SYS_connect && !e.exit && e.args[0] == uint64_t(client)) connect_enter = true;
    if (e.syscall == SYS_connect && e.exit && e.ret == 0) connect_exit = true;
    if (e.syscall == SYS_close && !e.exit && e.args[0] == uint64_t(client)) close_client = true;
    if (e.syscall == SYS_close && !e.exit && e.args[0] == uint64_t(server)) close_server = true;
  }
  EXPECT_TRUE(connect_enter);
  EXPECT_TRUE(connect_exit);
  EXPECT_TRUE(close_client);
  EXPECT_TRUE(close_server);
  EXPECT_EQ(cap->drops().ringbuf_full, 0u);
}

}  // namespace
}  // namespace vedetta
