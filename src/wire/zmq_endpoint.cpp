#include "wire/zmq_endpoint.h"

#include <zmq.h>

#include <string_view>

namespace vedetta::wire {

std::string bound_endpoint(void* zmq_socket, const std::string& fallback) {
  char last[256] = {};
  size_t size = sizeof last;
  if (zmq_getsockopt(zmq_socket, ZMQ_LAST_ENDPOINT, last, &size) != 0 || !last[0]) return fallback;
  std::string endpoint = last;
  constexpr std::string_view kMapped = "://[::ffff:";
  size_t at = endpoint.find(kMapped);
  size_t close = endpoint.find(']');
  if (at != std::string::npos && close != std::string::npos &&
      endpoint.find('.', at) < close)  // an IPv4 address inside
    endpoint = endpoint.substr(0, at + 3) +
               endpoint.substr(at + kMapped.size(), close - at - kMapped.size()) +
               endpoint.substr(close + 1);
  return endpoint;
}

}  // namespace vedetta::wire
