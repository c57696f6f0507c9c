#pragma once
// UTF-8 checks for text that arrives in flow payloads: JSON must be valid
// UTF-8 (simdjson refuses it otherwise; this finds where), and TLV strings,
// which nDPI's serializer copies byte for byte, are made valid before they
// reach anything that prints or re-encodes them.
#include <cstddef>
#include <string>
#include <string_view>

namespace vedetta::wire {

// Offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included), or
// npos if `text` is valid.
size_t first_invalid_utf8(std::string_view text);

// `text` with each invalid sequence replaced by U+FFFD.
std::string repair_utf8(std::string_view text);

}  // namespace vedetta::wire
