// Writes seed inputs for the NetFlow/IPFIX decoder fuzzer (format in
// netflow_fuzz_input.h) into DIR: packets vedetta's encoder makes (v9 and
// IPFIX, IPv4/IPv6, process fields, long text, template refreshes) and a
// NetFlow v5 packet.
//
//   vedetta_netflow_fuzz_seeds DIR
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "netflow_fuzz_input.h"
#include "wire/netflow_encoder.h"
#include "wire/netflow_format.h"

using namespace vedetta::wire;
using Bytes = std::vector<uint8_t>;

namespace {

FlowRecord record(int i) {
  FlowRecord r;
  r.add(148, uint64_t(i));
  r.add(4, uint64_t(i % 2 ? 17 : 6));
  if (i % 3) {
    r.add(8, std::string("10.0.0.") + std::to_string(i));
    r.add(12, std::string("192.0.2.7"));
  } else {
    r.add(27, std::string("2001:db8::") + std::to_string(i));
    r.add(28, std::string("2001:db8::7"));
  }
  r.add(7, uint64_t(1024 + i));
  r.add(11, uint64_t(53));
  r.add(1, uint64_t(100 * i));
  r.add(2, uint64_t(i));
  r.add(152, uint64_t(1'600'000'000'000 + i));
  r.add(153, uint64_t(1'600'000'001'000 + i));
  r.add(56, std::string("02:00:00:00:00:01"));
  r.add(ntop_element(118), std::string("5.126"));
  r.add(ntop_element(119), std::string("DNS.Google"));
  r.add(ntop_element(123), 0.25);
  if (i % 4 == 1) {
    r.add(ntop_element(168), uint64_t(1000 + i));
    r.add(ntop_element(169), std::string("resolver"));
    r.add(ntop_element(556), std::string(i * 20, 'a'));
  }
  return r;
}

void write(const std::string& dir, const std::string& name, const std::vector<Bytes>& datagrams) {
  Bytes input;
  for (const Bytes& d : datagrams) {
    input.push_back(1);
    input.push_back(static_cast<uint8_t>(d.size() >> 8));
    input.push_back(static_cast<uint8_t>(d.size()));
    input.insert(input.end(), d.begin(), d.end());
  }
  std::string path = dir + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::fwrite(input.data(), 1, input.size(), f);
  std::fclose(f);
}

Bytes v5_packet() {
  Bytes p;
  netflow::ByteWriter w(p);
  w.u16(5), w.u16(2), w.u32(60'000), w.u32(1'700'000'000), w.u32(0), w.u32(9), w.u32(0);
  for (int i = 0; i < 2; ++i) {
    w.u32(0x0a000001 + i), w.u32(0x0a000101), w.u32(0), w.u16(1), w.u16(2);
    w.u32(3), w.u32(180), w.u32(1000), w.u32(2000), w.u16(999), w.u16(80);
    w.u8(0), w.u8(0x12), w.u8(6), w.u8(0), w.u16(0), w.u16(0), w.u8(8), w.u8(8), w.u16(0);
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "USAGE: %s DIR\n", argv[0]);
    return 2;
  }
  int n = 0;
  for (auto protocol : {NetflowProtocol::kV9, NetflowProtocol::kIpfix}) {
    for (int records : {1, 5, 24}) {
      NetflowEncoder enc({protocol, 3, size_t(records > 5 ? 600 : 1400), 2, 0});
      std::vector<Bytes> packets;
      for (int i = 0; i < records; ++i) enc.add(record(i), 1'700'000'000'000, packets);
      enc.flush(1'700'000'000'000, packets);
      write(argv[1], "seed-" + std::to_string(n++), packets);
    }
  }
  write(argv[1], "seed-v5", {v5_packet()});
  std::printf("make_netflow_seeds: %d seeds in %s\n", n + 1, argv[1]);
  return 0;
}
