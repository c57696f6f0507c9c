#pragma once
// Small cryptographic helpers of the console's authentication, all backed by
// OpenSSL: random secrets, SHA-256 digests (what the data directory keeps of
// session ids and API tokens), comparisons that take the same time whatever
// the input, and base64 for HTTP basic auth.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vedetta::web {

// `bytes` bytes from the OpenSSL CSPRNG; throws if it cannot supply them.
std::string random_bytes(size_t bytes);

// A random secret of `bytes` bytes as URL-safe base64 without padding
// (usable in cookies, headers and file names as is).
std::string random_token(size_t bytes = 32);

// SHA-256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

// True when a and b are equal; the time taken does not depend on where they
// differ (it does on their lengths, which are not secret here).
bool constant_time_equal(std::string_view a, std::string_view b);

std::string base64_encode(std::string_view data, bool url_safe = false);
// Standard or URL-safe alphabet, padding optional; nullopt if not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace vedetta::web
