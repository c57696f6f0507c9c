#pragma once
// One field's value as NetFlow/IPFIX bytes and back, by the element's kind
// (wire/elements.h): numbers big-endian, addresses binary, text as bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wire/elements.h"
#include "wire/flow_record.h"

namespace vedetta::wire::netflow {

// The element as NetFlow/IPFIX carry it: the dictionary's, except for
// L7_PROTO, "master.app" text in ntop's JSON but the 2-byte protocol id
// (the application's, else the master's) in NetFlow/IPFIX, as nProbe sends
// it and Wireshark reads it. Null if the dictionary does not know `id`.
const Element* netflow_element(uint32_t id);

// ndpi_protocol2id()'s text ("7", "91.126") from the master and application
// ids: how the decoder gives L7_PROTO back its JSON form.
std::string l7_proto_text(uint64_t master, uint64_t app);

// Appends the field's bytes: `e.length` of them, or, with `variable`
// (IPFIX text), the RFC 7011 §7 length prefix and the text (cut at
// kIpfixMaxText). False, with nothing appended, when the value does not fit
// the kind (an address that does not parse, text for a number...).
bool encode_value(const Element& e, bool variable, const FieldValue& v,
                  std::vector<uint8_t>& out);

// The value of `n` bytes at p for element `e` (null: not in the
// dictionary). Numbers of 1..8 bytes become uint64_t (reduced-size
// encoding welcome); addresses and MACs text when their length is right;
// text is cut at its first NUL. Anything else becomes "0x" hex text.
FieldValue decode_value(const Element* e, const uint8_t* p, size_t n);

// An element no dictionary knows: a number when fixed-length and 1..8
// bytes, else text when printable ASCII, else "0x" hex.
FieldValue decode_unknown(const uint8_t* p, size_t n, bool variable);

}  // namespace vedetta::wire::netflow
