// `vedetta server -i lo` as the server builds it (collector, local probe,
// live model), in-process: a python TCP server and client started here
// show up on their flow with their pids, while the flow is still open.
// Needs root and BPF (tests/support/live_prerequisite.h).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live_model_support.h"
#include "support/live_prerequisite.h"

namespace vedetta::live::test {
namespace {

using nlohmann::json;

pid_t spawn(const std::string& script) {
  pid_t pid = fork();
  if (pid == 0) {
    execlp("python3", "python3", "-c", script.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

TEST(Loopback, LocalProcessesAppearWithTheirPids) {
  if (geteuid() != 0) test_support::skip_or_fail("needs root (capture on lo, eBPF)");
  std::unique_ptr<RunningServer> server;
  try {
    server = std::make_unique<RunningServer>(std::vector<std::string>{"lo"});
  } catch (const std::exception& e) {
    test_support::skip_or_fail(std::string("cannot capture on lo: ") + e.what());
    return;
  }
  const int port = 20000 + getpid() % 20000;
  const std::string p = std::to_string(port);
  // The server echoes; the client sends a line every 200 ms for 20 s.
  pid_t srv = spawn(
      "import socket\n"
      "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
      "s.bind(('127.0.0.1'," + p + ")); s.listen(1)\n"
      "c,_=s.accept()\n"
      "while True:\n"
      "  d=c.recv(4096)\n"
      "  if not d: break\n"
      "  c.sendall(d)\n");
  usleep(500'000);
  pid_t cli = spawn(
      "import socket,time\n"
      "s=socket.create_connection(('127.0.0.1'," + p + "))\n"
      "for i in range(100):\n"
      "  s.sendall(b'x'*1000); s.recv(4096); time.sleep(0.2)\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  json seen;
  while (std::chrono::steady_clock::now() < deadline && seen.is_null()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    json flows = server->model.flows({{"port", p}, {"pid", std::to_string(cli)}});
    for (const json& f : flows["flows"])
      if (f["server"]["port"] == port && f["active"] == true) seen = f;
  }
  kill(cli, SIGTERM);
  kill(srv, SIGTERM);
  waitpid(cli, nullptr, 0);
  waitpid(srv, nullptr, 0);
  ASSERT_FALSE(seen.is_null()) << "no active flow to port " << port << " with the client's pid";
  EXPECT_EQ(seen["client"]["process"]["pid"], cli);
  EXPECT_EQ(seen["client"]["process"]["name"], "python3");
  EXPECT_EQ(seen["server"]["process"]["pid"], srv);
  EXPECT_EQ(seen["local_ends"], "both");
  EXPECT_GT(seen["bytes"]["total"].get<uint64_t>(), 0u);
  json detail = server->model.process(seen["client"]["process"]["key"]);
  EXPECT_EQ(detail["pid"], cli);
  EXPECT_NE(detail["detail"]["cmdline"].get<std::string>().find("create_connection"),
            std::string::npos);
  json iface = server->model.interfaces()["interfaces"][0];
  EXPECT_EQ(iface["kind"], "capture");
  EXPECT_GT(iface["bytes"].get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace vedetta::live::test
