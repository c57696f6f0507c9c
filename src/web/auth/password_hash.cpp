#include "web/auth/password_hash.h"

#include <openssl/evp.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "web/auth/crypto.h"

namespace vedetta::web {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr uint32_t kMinIterations = 1000;  // below this a stored hash is refused as damaged

struct ParsedHash {
  uint32_t iterations;
  std::string salt, hash;
};

std::optional<ParsedHash> parse(std::string_view stored) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t dollar; (dollar = stored.find('$', start)) != std::string_view::npos;
       start = dollar + 1)
    parts.push_back(stored.substr(start, dollar - start));
  parts.push_back(stored.substr(start));
  if (parts.size() != 4 || parts[0] != kScheme) return std::nullopt;
  ParsedHash p{};
  auto [end, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), p.iterations);
  if (ec != std::errc() || end != parts[1].data() + parts[1].size() ||
      p.iterations < kMinIterations)
    return std::nullopt;
  auto salt = base64_decode(parts[2]);
  auto hash = base64_decode(parts[3]);
  if (!salt || !hash || salt->size() < 8 || hash->size() != kHashBytes) return std::nullopt;
  p.salt = *salt;
  p.hash = *hash;
  return p;
}

}  // namespace

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, uint32_t iterations,
                          size_t length) {
  std::string out(length, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(length),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    throw std::runtime_error("OpenSSL PBKDF2 failed");
  return out;
}

std::string hash_password(std::string_view password, uint32_t iterations) {
  std::string salt = random_bytes(kSaltBytes);
  std::string hash = pbkdf2_sha256(password, salt, iterations, kHashBytes);
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64_encode(salt) + "$" +
         base64_encode(hash);
}

bool is_password_hash(std::string_view stored) { return parse(stored).has_value(); }

bool verify_password(std::string_view password, std::string_view stored) {
  auto p = parse(stored);
  if (!p) return false;
  return constant_time_equal(pbkdf2_sha256(password, p->salt, p->iterations, kHashBytes), p->hash);
}

}  // namespace vedetta::web
