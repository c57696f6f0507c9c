// topprocs_net: bytes of network I/O per process (proc.name, proc.pid), top 100.
#include "events/chisels/registry.h"
#include "events/chisels/top_table.h"

namespace vedetta::events::chisels {

std::unique_ptr<Chisel> make_topprocs_net(const std::vector<std::string>&, ChiselOutput out) {
  auto key = [](const NetworkIo& io) {
    return std::vector<std::string>{io.thread->comm, std::to_string(io.thread->pid)};
  };
  return std::make_unique<NetworkTopTable>(std::vector<std::string>{"Process", "PID"}, key, 100,
                                           out);
}

}  // namespace vedetta::events::chisels
