#pragma once
// The packet-path fuzzer's input format, shared with the seed extractor.
//
//   byte 0        config: bits 0-3 pick the datalink (index into kDatalinks,
//                 modulo its size); bit 4 turns tunnel decoding off; bit 5
//                 sets discard_truncated.
//   then records  [gap: 1 byte, in 50 ms units][length: 2 bytes, little
//                 endian][length bytes of frame]  (a last record may be cut)
//
// Several packets per input let flows build up (handshakes, nDPI's
// multi-packet detection, timeouts, eviction).
#include <pcap/dlt.h>

#include <cstddef>
#include <cstdint>

namespace vedetta::fuzz {

constexpr int kDatalinks[] = {DLT_EN10MB, DLT_NULL,       DLT_LOOP, DLT_LINUX_SLL,
                              DLT_LINUX_SLL2, DLT_PPP,    DLT_PPP_SERIAL, DLT_C_HDLC,
                              DLT_RAW,    101 /*LINKTYPE_RAW*/, DLT_IPV4, DLT_IPV6};
constexpr size_t kDatalinkCount = sizeof kDatalinks / sizeof kDatalinks[0];

constexpr uint8_t kNoTunnels = 0x10, kDiscardTruncated = 0x20;
constexpr uint64_t kGapUnitUs = 50'000;
constexpr size_t kRecordHeader = 3;

// Index of `dlt` in kDatalinks, or -1.
inline int datalink_index(int dlt) {
  for (size_t i = 0; i < kDatalinkCount; ++i)
    if (kDatalinks[i] == dlt) return static_cast<int>(i);
  return -1;
}

}  // namespace vedetta::fuzz
