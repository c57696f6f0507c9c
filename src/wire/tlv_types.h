#pragma once
// nDPI's serializer (libndpi 4.2, src/lib/ndpi_serializer.c), TLV format:
// bytes 0-1 are the serializer version (1) and the format (1 = TLV); then
// items, each a type byte `(key_type << 4) | value_type`, the key (u8, u16
// or u32 number, or a string), the value. Numbers are big-endian and packed
// into the smallest type that holds them; strings are a u16 length and the
// bytes; floats are 4 bytes in the writer's byte order (x86: little-endian),
// as nDPI copies them. Blocks and lists are a bare type byte (12, 14)
// followed by their name as a string, closed by 13 and 15.
#include <cstdint>

namespace vedetta::wire::tlv {

inline constexpr uint8_t kSerializerVersion = 1;
inline constexpr uint8_t kFormatTlv = 1;  // ndpi_serialization_format_tlv

enum Type : uint8_t {  // ndpi_serialization_type
  kEndOfRecord = 1,
  kUint8 = 2,
  kUint16 = 3,
  kUint32 = 4,
  kUint64 = 5,
  kInt8 = 6,
  kInt16 = 7,
  kInt32 = 8,
  kInt64 = 9,
  kFloat = 10,
  kString = 11,
  kStartOfBlock = 12,
  kEndOfBlock = 13,
  kStartOfList = 14,
  kEndOfList = 15,
};

}  // namespace vedetta::wire::tlv
