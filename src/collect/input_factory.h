#pragma once
// `vedetta server -i SPEC`: the input a spec names.
//   tcp://host:5556               ZeroMQ SUB connecting to a probe that binds
//   tcp://h1:5556,tcp://h2:5556   one input fed by several probes
//   tcp://*:5556c                 collector mode: the server binds, probes connect
//   netflow://[addr]:2055         NetFlow v5/v9 and IPFIX over UDP (127.0.0.1 if no addr)
//   ipfix://[addr]:4739           the same, IPFIX's usual port
//   eth0, any, trace.pcap         a probe inside the server (collect/local_probe_input.h)
#include <memory>
#include <string>

#include "collect/flow_input.h"
#include "collect/local_probe_input.h"

namespace vedetta::collect {

struct InputOptions {
  std::string curve_secret_key;  // ZeroMQ CURVE server secret key, Z85 ("" = no CURVE)
  std::string state_dir;  // ZeroMQ msg_ids remembered across restarts ("" = not)
  LocalProbeOptions local_probe;  // for interfaces and capture files
};

// Throws UserError naming the spec and what is wrong with it.
std::unique_ptr<FlowInput> open_input(const std::string& spec, const InputOptions& options);

}  // namespace vedetta::collect
