#pragma once
// The NetFlow/IPFIX decoder fuzzer's input: several datagrams, so that
// templates learnt from one are used by the next.
//
//   records  [exporter: 1 byte (bit 0 picks one of two exporter addresses)]
//            [length: 2 bytes, big endian][length bytes of datagram]
//            (a last record may be cut)
#include <cstddef>
#include <cstdint>

namespace vedetta::fuzz {

constexpr size_t kDatagramHeader = 3;

}  // namespace vedetta::fuzz
