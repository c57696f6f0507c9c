#pragma once
// The built `vedetta server` as a child process of a history test (its
// arguments, its stderr in a file, stopped by its pid), and its REST API
// asked with cpp-httplib's client and basic auth as the first admin.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace vedetta::history::test {

inline constexpr const char* kAdminPassword = "history-test-admin";

// True once `ready()` holds, false after `seconds`.
inline bool wait_until(const std::function<bool()>& ready, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return ready();
}

class ServerProcess {
 public:
  // Runs `vedetta server ARGS --keep-root -q`, stderr into `err_path`, with
  // kAdminPassword as the first admin's password.
  ServerProcess(const std::vector<std::string>& args, std::string err_path)
      : err_path_(std::move(err_path)) {
    std::vector<std::string> argv = {VEDETTA_BINARY, "server"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--keep-root", "-q"});
    pid_ = fork();
    if (pid_ == 0) {
      setenv("VEDETTA_ADMIN_PASSWORD", kAdminPassword, 1);
      freopen("/dev/null", "w", stdout);
      freopen(err_path_.c_str(), "w", stderr);
      std::vector<char*> c;
      for (auto& a : argv) c.push_back(a.data());
      c.push_back(nullptr);
      execv(c[0], c.data());
      _exit(127);
    }
  }
  ~ServerProcess() { stop(); }

  // Waits for it to exit (SIGKILL after `seconds`); true if it exited 0.
  bool wait_exit(double seconds) {
    if (pid_ <= 0) return exit_status_ == 0;
    int status = 0;
    const bool exited = wait_until([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, seconds);
    if (!exited) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    exit_status_ = exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_status_ == 0;
  }
  // SIGTERM (a clean stop: the history writer writes what is queued) and wait.
  bool stop(double seconds = 30) {
    if (pid_ > 0) kill(pid_, SIGTERM);
    return wait_exit(seconds);
  }
  bool running() {
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return pid_ > 0;
  }
  std::string stderr_text() const {
    std::stringstream s;
    s << std::ifstream(err_path_).rdbuf();
    return s.str();
  }

 private:
  std::string err_path_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
};

struct ApiAnswer {
  int status = 0;  // 0: no answer (connection refused, timeout)
  nlohmann::json body;
  double seconds = 0;  // how long the answer took
};

// GET `path` from the API on 127.0.0.1:`port` as the first admin.
inline ApiAnswer api_get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_basic_auth("admin", kAdminPassword);
  client.set_read_timeout(150, 0);  // longer than any timeout of the server's own
  const auto start = std::chrono::steady_clock::now();
  auto res = client.Get(path);
  ApiAnswer a;
  a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!res) return a;
  a.status = res->status;
  a.body = nlohmann::json::parse(res->body, nullptr, false);
  return a;
}

}  // namespace vedetta::history::test
