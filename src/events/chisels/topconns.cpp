// topconns: bytes per connection (fd.l4proto, fd.name), top 30.
#include "events/chisels/registry.h"
#include "events/chisels/top_table.h"

namespace vedetta::events::chisels {

std::unique_ptr<Chisel> make_topconns(const std::vector<std::string>&, ChiselOutput out) {
  auto key = [](const NetworkIo& io) {
    return std::vector<std::string>{l4proto_name(io.fd->l4), io.fd->name};
  };
  return std::make_unique<NetworkTopTable>(std::vector<std::string>{"Proto", "Conn"}, key, 30,
                                           out);
}

}  // namespace vedetta::events::chisels
