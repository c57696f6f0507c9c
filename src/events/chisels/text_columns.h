#pragma once
// The text helpers sysdig's chisels print with (common.lua): byte counts as
// "78B" / "5.90KB" / "1.20M", and fixed-width columns.
#include <cstdint>
#include <string>
#include <string_view>

namespace vedetta::events::chisels {

// format_bytes(): up to 1024 in bytes ("1024B"), above in 1024 steps with two
// decimals; units B, KB, M, G, T, P (only KB has the B, as in sysdig).
std::string format_bytes(uint64_t bytes);

// extend_string(): pads `text` with blanks to `width`; a text as long or
// longer is cut to width - 1 characters plus one blank.
std::string pad_column(std::string_view text, size_t width);

// "HH:MM:SS" of an epoch time in the local time zone (sysdig's evt.time.s).
std::string clock_seconds_text(uint64_t ts_ns);

}  // namespace vedetta::events::chisels
