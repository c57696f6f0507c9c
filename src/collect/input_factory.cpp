#include "collect/input_factory.h"

#include "collect/netflow_input.h"
#include "collect/zmq_input.h"
#include "common/user_error.h"

namespace vedetta::collect {

std::unique_ptr<FlowInput> open_input(const std::string& spec, const InputOptions& options) {
  if (ZmqInput::handles(spec)) {
    ZmqInputOptions zmq;
    zmq.curve_secret_key = options.curve_secret_key;
    zmq.state_dir = options.state_dir;
    return std::make_unique<ZmqInput>(spec, zmq);
  }
  if (is_netflow_url(spec)) return open_netflow_input(spec);
  if (LocalProbeInput::handles(spec))
    return std::make_unique<LocalProbeInput>(spec, options.local_probe);
  throw UserError(
      format("-i %s: not an input (tcp://HOST:PORT, tcp://*:PORTc, netflow://[ADDR]:PORT, "
             "ipfix://[ADDR]:PORT, an interface or a capture file)",
             spec.c_str()));
}

}  // namespace vedetta::collect
