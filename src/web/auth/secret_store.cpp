#include "web/auth/secret_store.h"

#include "common/user_error.h"
#include "web/auth/crypto.h"
#include "web/clock.h"
#include "web/data_dir.h"
#include "web/http_error.h"

namespace vedetta::web {
namespace {

bool expired(const Secret& s, double now) { return s.expires != 0 && s.expires <= now; }

bool is_sha256_hex(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

SecretStore::SecretStore(std::string path, std::string kind)
    : path_(std::move(path)), kind_(std::move(kind)) {
  auto document = read_json_file(path_);
  if (!document) return;
  auto fail = [&](const std::string& where, const std::string& what) {
    throw UserError(
        format("%s: %s: %s; fix or remove the file", path_.c_str(), where.c_str(), what.c_str()));
  };
  if (!document->is_object() || !document->contains(kind_) || !(*document)[kind_].is_array())
    fail("top level", "expected {\"" + kind_ + "\": [...]}");
  double now = epoch_seconds();
  const auto& list = (*document)[kind_];
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i];
    std::string where = kind_ + "[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("sha256") || !e["sha256"].is_string() ||
        !is_sha256_hex(e["sha256"].get<std::string>()))
      fail(where, "expected an object with \"sha256\": 64 hex digits");
    if (!e.contains("user") || !e["user"].is_string()) fail(where, "missing string 'user'");
    Secret s;
    s.user = e["user"].get<std::string>();
    try {
      s.name = e.value("name", "");
      s.created = e.value("created", 0.0);
      s.expires = e.value("expires", 0.0);
    } catch (const nlohmann::json::exception&) {
      fail(where, "'name' must be a string, 'created' and 'expires' numbers");
    }
    if (!expired(s, now)) by_hash_[e["sha256"].get<std::string>()] = s;
  }
}

std::string SecretStore::issue(const std::string& user, const std::string& name, double expires) {
  std::string secret = random_token(32);
  std::lock_guard lock(mutex_);
  if (!name.empty())
    for (const auto& [hash, s] : by_hash_)
      if (s.user == user && s.name == name)
        throw HttpError(409, "'" + user + "' already has a token called '" + name + "'");
  std::string hash = sha256_hex(secret);
  by_hash_[hash] = Secret{user, name, epoch_seconds(), expires};
  try {
    save();
  } catch (...) {
    by_hash_.erase(hash);
    throw;
  }
  return secret;
}

std::optional<Secret> SecretStore::find(const std::string& secret) const {
  // Looked up by the digest: the clear secret is never compared byte by byte.
  std::string hash = sha256_hex(secret);
  std::lock_guard lock(mutex_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end() || expired(it->second, epoch_seconds())) return std::nullopt;
  return it->second;
}

std::vector<Secret> SecretStore::list(const std::string& user) const {
  std::lock_guard lock(mutex_);
  std::vector<Secret> out;
  for (const auto& [hash, s] : by_hash_)
    if (s.user == user) out.push_back(s);
  return out;
}

bool SecretStore::revoke(const std::string& secret) {
  std::lock_guard lock(mutex_);
  if (by_hash_.erase(sha256_hex(secret)) == 0) return false;
  save();
  return true;
}

bool SecretStore::revoke_named(const std::string& user, const std::string& name) {
  std::lock_guard lock(mutex_);
  for (auto it = by_hash_.begin(); it != by_hash_.end(); ++it)
    if (it->second.user == user && it->second.name == name) {
      by_hash_.erase(it);
      save();
      return true;
    }
  return false;
}

void SecretStore::revoke_user(const std::string& user) {
  std::lock_guard lock(mutex_);
  size_t before = by_hash_.size();
  std::erase_if(by_hash_, [&](const auto& entry) { return entry.second.user == user; });
  if (by_hash_.size() != before) save();
}

void SecretStore::save() {
  double now = epoch_seconds();
  std::erase_if(by_hash_, [&](const auto& entry) { return expired(entry.second, now); });
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [hash, s] : by_hash_) {
    nlohmann::json e = {{"sha256", hash}, {"user", s.user}, {"created", s.created}};
    if (!s.name.empty()) e["name"] = s.name;
    if (s.expires != 0) e["expires"] = s.expires;
    list.push_back(e);
  }
  write_json_file(path_, {{kind_, list}});
}

}  // namespace vedetta::web
