#pragma once
// The dictionary of flow elements vedetta reads and writes: id, name, what
// kind of value it holds and its length in NetFlow v9 (fixed) records. The
// probe's export fields (export/fields.cpp) use the same names and ids (a
// unit test holds them together); the collector maps JSON name keys
// ("IPV4_SRC_ADDR") and "PEN.id" keys ("35632.118") to ids through it.
#include <cstdint>
#include <string_view>

namespace vedetta::wire {

enum class ElementKind : uint8_t {
  kUnsigned,  // big-endian unsigned of `length` bytes in NetFlow
  kReal,      // ms with decimals in JSON; NetFlow: unsigned, microseconds
  kText,      // NetFlow v9: `length` bytes, NUL padded, cut; IPFIX: variable length
  kBool,      // one byte, 0 or 1
  kIpv4,      // 4 bytes
  kIpv6,      // 16 bytes
  kMac,       // 6 bytes
};

struct Element {
  uint32_t id;
  std::string_view name;
  ElementKind kind;
  uint16_t length;  // bytes in a NetFlow v9 record (and an IPFIX one, except text)
};

const Element* find_element(uint32_t id);
const Element* find_element(std::string_view name);  // exact, as ntop spells it
// A JSON key as nProbe and ntopng write them: "8", "57590", "35632.118",
// "IPV4_SRC_ADDR". 0 if it names nothing known (the caller keeps the key).
uint32_t element_id_of_key(std::string_view key);

}  // namespace vedetta::wire
