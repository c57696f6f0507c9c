// libFuzzer target: decode_message on both frames of a message. Input
// layout: byte 0 = size of frame 1 (modulo 48, so every header size and
// many wrong ones occur), then frame 1, then frame 2.
#include <cstdlib>

#include "wire/zmq_message.h"

using namespace vedetta::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t header_size = std::min<size_t>(data[0] % 48, size - 1);
  std::span<const uint8_t> frame1(data + 1, header_size);
  std::span<const uint8_t> frame2(data + 1 + header_size, size - 1 - header_size);
  DecodedMessage message;
  std::string error;
  if (!decode_message(frame1, frame2, message, error) && error.empty()) std::abort();
  return 0;
}
