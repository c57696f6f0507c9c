// netstat: the IPv4/IPv6 sockets every thread has open when the capture
// starts (after its first event, where sysdig's chisel stops), one line each:
//   Proto Server Address  Client Address  State  TID/PID/Program Name
// Listening sockets read LISTEN with client 0.0.0.0:*, others ESTABLISHED.
// Lines go by tid, then fd (sysdig's order is that of a Lua hash table).
#include <algorithm>

#include "events/chisels/net_io.h"
#include "events/chisels/registry.h"
#include "events/chisels/text_columns.h"

namespace vedetta::events::chisels {
namespace {

class Netstat : public Chisel {
 public:
  explicit Netstat(ChiselOutput out) : out_(out) {}

  void on_event(const Event&, const ThreadTable&) override { seen_event_ = true; }
  bool done() const override { return seen_event_; }
  void on_capture_end(const ThreadTable& threads) override;

 private:
  std::string socket_line(const ThreadInfo& th, const FdInfo& fd) const;

  ChiselOutput out_;
  bool seen_event_ = false;
};

std::string Netstat::socket_line(const ThreadInfo& th, const FdInfo& fd) const {
  std::string server, client = "0.0.0.0:*", state = "LISTEN";
  if (fd.type == FdType::kIpv4ServSock || fd.type == FdType::kIpv6ServSock) {
    std::string ip;
    uint16_t port = 0;
    server = split_endpoint(fd.name, &ip, &port) ? ip + ":" + std::to_string(port) : fd.name;
  } else {
    // A socket no tuple named yet has all-zero ends.
    std::string zero = fd.type == FdType::kIpv4Sock ? "0.0.0.0" : "::";
    server = (fd.has_tuple ? fd.dip : zero) + ":" + std::to_string(fd.has_tuple ? fd.dport : 0);
    client = (fd.has_tuple ? fd.sip : zero) + ":" + std::to_string(fd.has_tuple ? fd.sport : 0);
    state = "ESTABLISHED";
  }
  return pad_column(l4proto_name(fd.l4), 6) + pad_column(server, 25) + pad_column(client, 25) +
         pad_column(state, 15) + std::to_string(th.tid) + "/" + std::to_string(th.pid) + "/" +
         th.comm + "\n";
}

void Netstat::on_capture_end(const ThreadTable& threads) {
  if (!seen_event_) {
    std::fputs("empty capture or no event matching the filter\n", out_.out);
    return;
  }
  std::string text = pad_column("Proto", 6) + pad_column("Server Address", 25) +
                     pad_column("Client Address", 25) + pad_column("State", 15) +
                     "TID/PID/Program Name\n";
  std::vector<const ThreadInfo*> sorted;
  for (const auto& [tid, th] : threads.all()) sorted.push_back(&th);
  std::sort(sorted.begin(), sorted.end(),
            [](const ThreadInfo* a, const ThreadInfo* b) { return a->tid < b->tid; });
  for (const ThreadInfo* th : sorted) {
    if (!th->fds) continue;
    for (const auto& [num, fd] : *th->fds)
      if (is_ip_socket(fd.type)) text += socket_line(*th, fd);
  }
  std::fwrite(text.data(), 1, text.size(), out_.out);
}

}  // namespace

std::unique_ptr<Chisel> make_netstat(const std::vector<std::string>&, ChiselOutput out) {
  return std::make_unique<Netstat>(out);
}

}  // namespace vedetta::events::chisels
