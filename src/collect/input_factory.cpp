#include "collect/input_factory.h"

#include "common/user_error.h"

namespace vedetta::collect {

std::unique_ptr<FlowInput> open_input(const std::string& spec, const InputOptions& options) {
  throw UserError(
      format("-i %s: not a collector input (tcp://HOST:PORT, tcp://*:PORTc, "
             "netflow://[ADDR]:PORT or ipfix://[ADDR]:PORT)",
             spec.c_str()));
}

}  // namespace vedetta::collect
