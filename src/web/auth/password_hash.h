#pragma once
// Passwords are kept as PBKDF2-HMAC-SHA256 with a random salt per password
// and many iterations, in one self-describing string:
//   pbkdf2-sha256$ITERATIONS$SALT$HASH   (salt and hash in base64)
// so the iteration count can grow later without breaking stored users.
#include <cstdint>
#include <string>
#include <string_view>

namespace vedetta::web {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
constexpr uint32_t kPasswordIterations = 600000;

// Raw PBKDF2-HMAC-SHA256 (RFC 8018) of `length` bytes.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, uint32_t iterations,
                          size_t length);

// A fresh salt, hashed; the string to store.
std::string hash_password(std::string_view password, uint32_t iterations = kPasswordIterations);

// Whether `stored` is a well-formed hash string (checked when users.json is
// read, so a damaged file is reported at start, not at the first login).
bool is_password_hash(std::string_view stored);

// True when `password` matches `stored`; compares in constant time. A
// malformed `stored` never matches.
bool verify_password(std::string_view password, std::string_view stored);

}  // namespace vedetta::web
