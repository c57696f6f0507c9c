#pragma once
// What NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) share between the encoder
// and the decoder: header layouts, set ids, how element ids map onto field
// types, and big-endian reads/writes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::wire::netflow {

constexpr uint16_t kVersion5 = 5, kVersion9 = 9, kVersionIpfix = 10;

constexpr size_t kV5HeaderSize = 24, kV5RecordSize = 48;
constexpr size_t kV9HeaderSize = 20;     // version, count, sysUptime, unix secs, sequence, source id
constexpr size_t kIpfixHeaderSize = 16;  // version, length, export time, sequence, domain
constexpr size_t kSetHeaderSize = 4;     // set id, length

// Set (FlowSet) ids.
constexpr uint16_t kV9TemplateSet = 0, kV9OptionsTemplateSet = 1;
constexpr uint16_t kIpfixTemplateSet = 2, kIpfixOptionsTemplateSet = 3;
constexpr uint16_t kFirstDataSet = 256;  // data sets carry their template's id

constexpr uint16_t kVariableLength = 65535;  // IPFIX field length of a variable-length field
constexpr uint16_t kEnterpriseBit = 0x8000;  // IPFIX field type: a PEN follows
// IPFIX text longer than this is cut: a record must fit one message (64 KiB).
constexpr size_t kIpfixMaxText = 8192;

// An element id (wire/flow_record.h numbering) as an IPFIX field: IANA ids
// below 32768 as they are; ntop's 57472 + n (and vedetta's own, which
// continue ntop's numbering) as enterprise element n of PEN 35632, as
// nProbe sends them. False for ids IPFIX cannot carry.
inline bool ipfix_field_of(uint32_t id, uint16_t& type, uint32_t& pen) {
  if (id < kEnterpriseBit) return type = static_cast<uint16_t>(id), pen = 0, true;
  if (id >= kNtopBase && id - kNtopBase < kEnterpriseBit) {
    type = static_cast<uint16_t>(id - kNtopBase);
    pen = kNtopPen;
    return true;
  }
  return false;
}

// Appends big-endian integers to a packet under construction.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { uint(v, 2); }
  void u32(uint32_t v) { uint(v, 4); }
  // The low `bytes` bytes of v (1..8), most significant first.
  void uint(uint64_t v, size_t bytes) {
    for (size_t i = bytes; i-- > 0;) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void bytes(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void zeros(size_t n) { out_.insert(out_.end(), n, 0); }
  size_t size() const { return out_.size(); }
  // Overwrites an earlier 16-bit field (set lengths, counts).
  void put_u16(size_t at, uint16_t v) {
    out_[at] = static_cast<uint8_t>(v >> 8);
    out_[at + 1] = static_cast<uint8_t>(v);
  }
  void put_u32(size_t at, uint32_t v) {
    put_u16(at, static_cast<uint16_t>(v >> 16));
    put_u16(at + 2, static_cast<uint16_t>(v));
  }

 private:
  std::vector<uint8_t>& out_;
};

// Big-endian unsigned of `n` bytes (1..8) at p.
inline uint64_t read_uint(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
inline uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(read_uint(p, 2)); }
inline uint32_t read_u32(const uint8_t* p) { return static_cast<uint32_t>(read_uint(p, 4)); }

}  // namespace vedetta::wire::netflow
