#pragma once
// A private clickhouse-server for a test: its own config, data directory and
// loopback ports, started with --config-file and stopped by its pid (there
// is no systemd here). Debian's package (18.16) is what the tests use.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "history_test_support.h"
#include "support/live_prerequisite.h"

namespace vedetta::history::test {

inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

class ClickHouseServer {
 public:
  static constexpr const char* kBinary = "/usr/sbin/clickhouse-server";  // Debian's place
  static bool installed() { return access(kBinary, X_OK) == 0; }

  explicit ClickHouseServer(const std::string& dir)
      : dir_(dir), http_port_(free_port()), tcp_port_(free_port()) {
    std::ofstream(dir_ + "/config.xml") << R"(<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>)" << dir_ << R"(/server.log</log><errorlog>)" << dir_
                                        << R"(/error.log</errorlog></logger>
  <http_port>)" << http_port_ << R"(</http_port>
  <tcp_port>)" << tcp_port_ << R"(</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>)" << dir_ << R"(/data/</path>
  <tmp_path>)" << dir_ << R"(/tmp/</tmp_path>
  <user_files_path>)" << dir_ << R"(/user_files/</user_files_path>
  <format_schema_path>)" << dir_ << R"(/format_schemas/</format_schema_path>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <timezone>UTC</timezone>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <users>
    <vedetta><password>s3cret</password><networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile><quota>default</quota></vedetta>
  </users>
  <profiles><default></default></profiles>
  <quotas><default></default></quotas>
</yandex>
)";
  }
  ~ClickHouseServer() { stop(); }

  std::string url(const std::string& database) const {
    return "clickhouse://vedetta:s3cret@127.0.0.1:" + std::to_string(http_port_) + "/" + database;
  }

  // Starts it and waits for /ping to answer; false after 60 s.
  bool start() {
    pid_ = fork();
    if (pid_ == 0) {
      const std::string config = "--config-file=" + dir_ + "/config.xml";
      freopen((dir_ + "/stdout.log").c_str(), "a", stdout);
      freopen((dir_ + "/stdout.log").c_str(), "a", stderr);
      execl(kBinary, kBinary, config.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const std::string ping = "curl -sf -o /dev/null http://127.0.0.1:" +
                             std::to_string(http_port_) + "/ping";
    for (int i = 0; i < 600; ++i) {
      if (std::system(ping.c_str()) == 0) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // SIGTERM and wait (SIGKILL after 30 s).
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    kill(pid_, SIGCONT);  // a frozen one must run to take it
    for (int i = 0; i < 300; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // SIGSTOP / SIGCONT: a server that accepts connections but answers nothing.
  void freeze(bool frozen) {
    if (pid_ > 0) kill(pid_, frozen ? SIGSTOP : SIGCONT);
  }

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int http_port_, tcp_port_;
  pid_t pid_ = -1;
};

// A started private server in a new temp_dir(name); nullptr when the test
// cannot go on: skipped (not installed; under CI=true that fails) or failed
// (it did not start).
inline std::unique_ptr<ClickHouseServer> start_clickhouse(const std::string& name) {
  if (!ClickHouseServer::installed()) {
    test_support::skip_or_fail("clickhouse-server is not installed (scripts/install-deps.sh)");
    return nullptr;
  }
  auto server = std::make_unique<ClickHouseServer>(temp_dir(name));
  if (!server->start()) {
    ADD_FAILURE() << "clickhouse-server did not start; see " << server->dir() << "/error.log";
    return nullptr;
  }
  return server;
}

}  // namespace vedetta::history::test
