#pragma once
// Who is asking: checks a request's session cookie, bearer token or basic
// credentials against the users, sessions and tokens kept in the data
// directory, and logs people in. Thread-safe.
#include <map>
#include <mutex>
#include <string>

#include "web/auth/login_throttle.h"
#include "web/auth/secret_store.h"
#include "web/auth/users.h"

namespace vedetta::web {

enum class AuthMethod { kSession, kToken, kBasic };

struct Identity {
  User user;
  AuthMethod method;
  std::string session_id;  // kSession only
};

struct AuthOptions {
  double session_lifetime_s = 12 * 3600;
  uint32_t password_iterations = 0;  // 0 = kPasswordIterations
};

constexpr const char* kSessionCookie = "vedetta_session";

class Authenticator {
 public:
  // Opens DATA_DIR/users.json, sessions.json and tokens.json (UserError if
  // one is damaged).
  Authenticator(const std::string& data_dir, const AuthOptions& options);

  UserStore& users() { return users_; }
  SecretStore& tokens() { return tokens_; }

  // The identity behind a request's Cookie and Authorization headers, or
  // HttpError 401 (nothing valid) / 429 (too many failed basic logins).
  Identity authenticate(const std::string& cookie_header, const std::string& authorization,
                        const std::string& client_address);

  // A password login: the user and a new session id, or HttpError 401/429.
  std::pair<User, std::string> login(const std::string& name, const std::string& password,
                                     const std::string& client_address);
  void logout(const std::string& session_id) { sessions_.revoke(session_id); }

  // The CSRF token of a session: derived from its id, so it needs no storage
  // and cannot be computed from what the data directory holds.
  static std::string csrf_token(const std::string& session_id);

  // A user is gone: so are their sessions and tokens.
  void remove_user(const std::string& name);
  void set_password(const std::string& name, const std::string& password);

 private:
  std::optional<User> check_password(const std::string& name, const std::string& password,
                                     const std::string& client_address);
  Identity basic(const std::string& credentials, const std::string& client_address);

  AuthOptions options_;
  UserStore users_;
  SecretStore sessions_, tokens_;
  LoginThrottle throttle_;
  // Basic auth sends the password with every request; PBKDF2 is slow on
  // purpose, so a verified user:password (by digest) is trusted for a minute.
  std::mutex basic_cache_mutex_;
  std::map<std::string, double> basic_cache_;  // SHA-256 of "user\0password" → valid until
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookie_value(const std::string& cookie_header, const std::string& name);

}  // namespace vedetta::web
