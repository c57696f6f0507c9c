// Test tool: sends one file as a ZeroMQ flow message to a collector that
// binds (vedetta server -i tcp://127.0.0.1:PORTc), with the header layout,
// payload format, compression and ids asked for. Used by fixtures_test.py to
// send ntop's 2014 message the way each generation of nProbe did.
//
//   vedetta_test_zmq_send ENDPOINT v0|v1|v2|v3 json|tlv FILE [compress] [MSG_ID] [SOURCE_ID]
#include <zmq.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "wire/zmq_message.h"

using namespace vedetta::wire;

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s ENDPOINT v0|v1|v2|v3 json|tlv FILE [compress] [MSG_ID] "
                 "[SOURCE_ID]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[4], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[4]);
    return 2;
  }
  std::vector<uint8_t> payload((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (std::string(argv[3]) == "json")  // the fixture ends with a newline; nProbe sends none
    while (!payload.empty() && (payload.back() == '\n' || payload.back() == '\r')) payload.pop_back();
  const bool compress = argc > 5 && std::string(argv[5]) == "compress";
  ZmqHeader h;
  h.topic = "flow";
  const std::string layout = argv[2];
  h.layout = layout == "v0"   ? HeaderLayout::kV0
             : layout == "v1" ? HeaderLayout::kV1
             : layout == "v2" ? HeaderLayout::kV2
                              : HeaderLayout::kV3;
  h.format = std::string(argv[3]) == "tlv" ? PayloadFormat::kTlv : PayloadFormat::kJson;
  h.has_msg_id = h.layout != HeaderLayout::kV0;
  h.msg_id = argc > 6 ? static_cast<uint32_t>(std::atol(argv[6])) : 0;
  h.source_id = argc > 7 ? static_cast<uint32_t>(std::atol(argv[7])) : 1;
  h.uncompressed_size = static_cast<uint32_t>(payload.size());
  std::vector<uint8_t> body;
  if (compress) {
    std::vector<uint8_t> z;
    zlib_compress(payload, z);
    h.compressed = true;
    // Before v3 a compressed payload is marked by a first byte 0.
    if (h.layout != HeaderLayout::kV3) body.push_back(0);
    body.insert(body.end(), z.begin(), z.end());
  } else {
    body = payload;
  }
  h.size = static_cast<uint32_t>(body.size());
  const std::vector<uint8_t> header = encode_header(h);

  void* ctx = zmq_ctx_new();
  void* s = zmq_socket(ctx, ZMQ_XPUB);
  if (zmq_connect(s, argv[1]) != 0) {
    std::fprintf(stderr, "connect %s: %s\n", argv[1], zmq_strerror(zmq_errno()));
    return 1;
  }
  char sub[64];
  int timeout = 5000;
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
  if (zmq_recv(s, sub, sizeof sub, 0) < 0) {  // the collector's subscription
    std::fprintf(stderr, "no subscription from %s within 5 s\n", argv[1]);
    return 1;
  }
  if (zmq_send(s, header.data(), header.size(), ZMQ_SNDMORE) < 0 ||
      zmq_send(s, body.data(), body.size(), 0) < 0) {
    std::fprintf(stderr, "send: %s\n", zmq_strerror(zmq_errno()));
    return 1;
  }
  int linger = 5000;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  zmq_close(s);
  zmq_ctx_term(ctx);
  return 0;
}
