// topports_server: bytes of network I/O per server port (fd.sport), top 100.
#include "events/chisels/registry.h"
#include "events/chisels/top_table.h"

namespace vedetta::events::chisels {

std::unique_ptr<Chisel> make_topports_server(const std::vector<std::string>&, ChiselOutput out) {
  auto key = [](const NetworkIo& io) {
    // The server end: the tuple's second end, or the listening socket's port.
    std::vector<uint16_t> ports = fd_ports(*io.fd);
    return std::vector<std::string>{std::to_string(ports.empty() ? 0 : ports.back())};
  };
  return std::make_unique<NetworkTopTable>(std::vector<std::string>{"Srv Port"}, key, 100, out);
}

}  // namespace vedetta::events::chisels
