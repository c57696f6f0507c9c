#pragma once
// A TCP forwarder on 127.0.0.1 whose link a test can cut and restore: a
// collector behind it loses its connection (and its ZeroMQ subscription)
// while the probe keeps running, then reconnects by itself.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace vedetta::test {

class TcpProxy {
 public:
  explicit TcpProxy(uint16_t target_port) : target_port_(target_port) { restore(); }
  ~TcpProxy() { cut(); }
  uint16_t port() const { return port_; }

  // Closes the listener and every connection through it.
  void cut() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Listens again on the same port (the first call picks a free one).
  void restore() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = address(port_);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 8) != 0)
      throw std::runtime_error("proxy: cannot listen");
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    stop_ = false;
    thread_ = std::thread([this, fd] { run(fd); });
  }

 private:
  static sockaddr_in address(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
  }

  // fds[0] listens; then pairs (client, target) forwarding both ways.
  void run(int listener) {
    std::vector<int> fds = {listener};
    char buffer[65536];
    while (!stop_) {
      std::vector<pollfd> p;
      for (int fd : fds) p.push_back({fd, POLLIN, 0});
      if (poll(p.data(), p.size(), 20) <= 0) continue;
      if (p[0].revents & POLLIN) {
        int client = accept(listener, nullptr, nullptr);
        int target = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = address(target_port_);
        if (client >= 0 && connect(target, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
          fds.push_back(client);
          fds.push_back(target);
        } else {
          close(client);
          close(target);
        }
      }
      std::vector<bool> closed(fds.size());
      for (size_t i = 1; i < p.size(); ++i) {
        if (closed[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        size_t peer = i % 2 ? i + 1 : i - 1;  // pairs sit at (1,2), (3,4)...
        ssize_t n = read(fds[i], buffer, sizeof buffer);
        if (n <= 0 || write(fds[peer], buffer, n) != n) closed[i] = closed[peer] = true;
      }
      std::vector<int> open;  // one side closed: close both
      for (size_t i = 0; i < fds.size(); ++i)
        if (closed[i])
          close(fds[i]);
        else
          open.push_back(fds[i]);
      fds.swap(open);
    }
    for (int fd : fds) close(fd);
  }

  uint16_t target_port_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace vedetta::test
