#pragma once
// The address a ZeroMQ socket really bound ("tcp://*:*" picks a free port),
// as people write it: an IPv4 address bound by a dual-stack (ZMQ_IPV6)
// socket reads "tcp://[::ffff:127.0.0.1]:5556"; this gives "tcp://127.0.0.1:5556".
#include <string>

namespace vedetta::wire {

// `fallback` if the socket has no bound endpoint.
std::string bound_endpoint(void* zmq_socket, const std::string& fallback);

}  // namespace vedetta::wire
