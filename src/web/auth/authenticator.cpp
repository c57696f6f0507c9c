#include "web/auth/authenticator.h"

#include "web/auth/crypto.h"
#include "web/auth/password_hash.h"
#include "web/clock.h"
#include "web/http_error.h"

namespace vedetta::web {
namespace {

constexpr double kBasicCacheSeconds = 60;
constexpr size_t kBasicCacheMax = 1000;

bool starts_with_scheme(const std::string& header, const std::string& scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
  return true;
}

std::string after_scheme(const std::string& header, const std::string& scheme) {
  size_t start = header.find_first_not_of(' ', scheme.size());
  return start == std::string::npos ? "" : header.substr(start);
}

}  // namespace

std::string cookie_value(const std::string& cookie_header, const std::string& name) {
  size_t pos = 0;
  while (pos < cookie_header.size()) {
    size_t end = cookie_header.find(';', pos);
    if (end == std::string::npos) end = cookie_header.size();
    std::string pair = cookie_header.substr(pos, end - pos);
    size_t first = pair.find_first_not_of(' ');
    size_t eq = pair.find('=');
    if (first != std::string::npos && eq != std::string::npos &&
        pair.substr(first, eq - first) == name)
      return pair.substr(eq + 1);
    pos = end + 1;
  }
  return "";
}

Authenticator::Authenticator(const std::string& data_dir, const AuthOptions& options)
    : options_(options),
      users_(data_dir + "/users.json",
             options.password_iterations ? options.password_iterations : kPasswordIterations),
      sessions_(data_dir + "/sessions.json", "sessions"),
      tokens_(data_dir + "/tokens.json", "tokens") {}

std::string Authenticator::csrf_token(const std::string& session_id) {
  return sha256_hex("vedetta csrf token\n" + session_id);
}

std::optional<User> Authenticator::check_password(const std::string& name,
                                                  const std::string& password,
                                                  const std::string& client_address) {
  double now = epoch_seconds();
  if (double wait = throttle_.wait(client_address, name, now); wait > 0)
    throw HttpError(
        429, "too many failed logins; try again in " + std::to_string(int(wait + 0.999)) + " s",
        wait);
  auto user = users_.verify(name, password);
  if (user)
    throttle_.succeeded(client_address, name);
  else
    throttle_.failed(client_address, name, now);
  return user;
}

std::pair<User, std::string> Authenticator::login(const std::string& name,
                                                  const std::string& password,
                                                  const std::string& client_address) {
  auto user = check_password(name, password, client_address);
  if (!user) throw HttpError(401, "wrong user name or password");
  std::string id = sessions_.issue(user->name, "", epoch_seconds() + options_.session_lifetime_s);
  return {*user, id};
}

Identity Authenticator::authenticate(const std::string& cookie_header,
                                     const std::string& authorization,
                                     const std::string& client_address) {
  if (starts_with_scheme(authorization, "bearer")) {
    auto token = tokens_.find(after_scheme(authorization, "bearer"));
    auto user = token ? users_.find(token->user) : std::nullopt;
    if (!user) throw HttpError(401, "unknown or revoked API token");
    return {*user, AuthMethod::kToken, ""};
  }
  if (starts_with_scheme(authorization, "basic"))
    return basic(after_scheme(authorization, "basic"), client_address);
  std::string id = cookie_value(cookie_header, kSessionCookie);
  if (!id.empty()) {
    auto session = sessions_.find(id);
    auto user = session ? users_.find(session->user) : std::nullopt;
    if (!user) throw HttpError(401, "session expired or logged out; log in again");
    return {*user, AuthMethod::kSession, id};
  }
  throw HttpError(401, "log in first (POST /api/v1/login), or send a bearer token or basic auth");
}

Identity Authenticator::basic(const std::string& credentials, const std::string& client_address) {
  auto decoded = base64_decode(credentials);
  size_t colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos)
    throw HttpError(401, "basic auth: expected base64(user:password)");
  std::string name = decoded->substr(0, colon), password = decoded->substr(colon + 1);
  std::string digest = sha256_hex(name + '\0' + password);
  double now = epoch_seconds();
  {
    std::lock_guard lock(basic_cache_mutex_);
    auto it = basic_cache_.find(digest);
    if (it != basic_cache_.end() && it->second > now)
      if (auto user = users_.find(name)) return {*user, AuthMethod::kBasic, ""};
  }
  auto user = check_password(name, password, client_address);
  if (!user) throw HttpError(401, "basic auth: wrong user name or password");
  std::lock_guard lock(basic_cache_mutex_);
  if (basic_cache_.size() >= kBasicCacheMax) basic_cache_.clear();
  basic_cache_[digest] = now + kBasicCacheSeconds;
  return {*user, AuthMethod::kBasic, ""};
}

void Authenticator::remove_user(const std::string& name) {
  users_.remove(name);
  sessions_.revoke_user(name);
  tokens_.revoke_user(name);
  std::lock_guard lock(basic_cache_mutex_);
  basic_cache_.clear();
}

void Authenticator::set_password(const std::string& name, const std::string& password) {
  users_.set_password(name, password);
  std::lock_guard lock(basic_cache_mutex_);
  basic_cache_.clear();
}

}  // namespace vedetta::web
