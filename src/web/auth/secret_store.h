#pragma once
// Secrets handed to clients, kept as their SHA-256 only: session ids
// (DATA_DIR/sessions.json) and API tokens (DATA_DIR/tokens.json). Someone who
// reads the file learns who has sessions or tokens, but cannot use them.
// Thread-safe; changes are on disk before the call returns.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vedetta::web {

struct Secret {
  std::string user;
  std::string name;  // the token's name; empty for sessions
  double created = 0;
  double expires = 0;  // epoch seconds; 0 = never
};

class SecretStore {
 public:
  // `path`: the JSON file; `kind`: "sessions" or "tokens" (its top-level key
  // and the word used in messages). Throws UserError naming the file and
  // entry if it is damaged. Expired entries are dropped.
  SecretStore(std::string path, std::string kind);

  // A new random secret for `user`; returns it (the only time it exists in
  // clear). HttpError 409 if `user` already has a secret called `name`.
  std::string issue(const std::string& user, const std::string& name, double expires);

  // The entry for a secret presented by a client, if known and not expired.
  std::optional<Secret> find(const std::string& secret) const;

  std::vector<Secret> list(const std::string& user) const;
  bool revoke(const std::string& secret);
  bool revoke_named(const std::string& user, const std::string& name);
  // Every secret of a removed user.
  void revoke_user(const std::string& user);

 private:
  void save();  // mutex_ held; also forgets expired entries

  std::string path_, kind_;
  mutable std::mutex mutex_;
  std::map<std::string, Secret> by_hash_;  // SHA-256 hex of the secret → entry
};

}  // namespace vedetta::web
