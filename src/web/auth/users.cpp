#include "web/auth/users.h"

#include "common/user_error.h"
#include "web/auth/password_hash.h"
#include "web/clock.h"
#include "web/data_dir.h"
#include "web/http_error.h"

namespace vedetta::web {
namespace {

// Names appear in URLs (/api/v1/users/NAME) and logs: keep them plain.
bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

void check_password(const std::string& password) {
  if (password.size() < UserStore::kMinPasswordLength)
    throw HttpError(
        400, "password: at least " + std::to_string(UserStore::kMinPasswordLength) + " characters");
  if (password.size() > 1024) throw HttpError(400, "password: at most 1024 characters");
}

}  // namespace

std::string role_name(Role role) { return role == Role::kAdmin ? "admin" : "viewer"; }

std::optional<Role> parse_role(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

UserStore::UserStore(std::string path, uint32_t iterations)
    : path_(std::move(path)),
      iterations_(iterations),
      unknown_user_hash_(hash_password("no such user", iterations)) {
  auto document = read_json_file(path_);
  if (!document) return;
  auto fail = [&](const std::string& where, const std::string& what) {
    throw UserError(
        format("%s: %s: %s; fix or remove the file", path_.c_str(), where.c_str(), what.c_str()));
  };
  if (!document->is_object() || !document->contains("users") || !(*document)["users"].is_array())
    fail("top level", "expected {\"users\": [...]}");
  const auto& list = (*document)["users"];
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& u = list[i];
    std::string where = "users[" + std::to_string(i) + "]";
    if (!u.is_object()) fail(where, "not an object");
    auto text = [&](const char* key) {
      if (!u.contains(key) || !u[key].is_string())
        fail(where, std::string("missing string '") + key + "'");
      return u[key].get<std::string>();
    };
    std::string name = text("user");
    if (!valid_user_name(name)) fail(where, "bad user name '" + name + "'");
    auto role = parse_role(text("role"));
    if (!role) fail(where, "role must be admin or viewer");
    std::string hash = text("password");
    if (!is_password_hash(hash)) fail(where, "password is not a pbkdf2-sha256 hash");
    if (users_.count(name)) fail(where, "user '" + name + "' listed twice");
    users_[name] = Entry{*role, hash, u.value("created", 0.0)};
  }
}

bool UserStore::empty() const {
  std::lock_guard lock(mutex_);
  return users_.empty();
}

std::vector<User> UserStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<User> out;
  for (const auto& [name, e] : users_) out.push_back({name, e.role});
  return out;
}

std::optional<User> UserStore::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(name);
  if (it == users_.end()) return std::nullopt;
  return User{name, it->second.role};
}

std::optional<User> UserStore::verify(const std::string& name, const std::string& password) const {
  std::string hash;
  std::optional<User> user;
  {
    std::lock_guard lock(mutex_);
    auto it = users_.find(name);
    if (it != users_.end()) {
      hash = it->second.password_hash;
      user = User{name, it->second.role};
    }
  }
  // The slow hash runs outside the lock: logins do not queue behind each other.
  bool match = verify_password(password, user ? hash : unknown_user_hash_);
  return match && user ? user : std::nullopt;
}

User UserStore::add(const std::string& name, const std::string& password, Role role) {
  if (!valid_user_name(name))
    throw HttpError(400, "user: 1 to 64 letters, digits, '.', '_' or '-'");
  check_password(password);
  std::string hash = hash_password(password, iterations_);
  std::lock_guard lock(mutex_);
  if (users_.count(name)) throw HttpError(409, "user '" + name + "' exists");
  users_[name] = Entry{role, hash, epoch_seconds()};
  save_or_undo([&] { users_.erase(name); });
  return {name, role};
}

void UserStore::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(name);
  if (it == users_.end()) throw HttpError(404, "no user '" + name + "'");
  if (it->second.role == Role::kAdmin) {
    size_t admins = 0;
    for (const auto& [n, e] : users_) admins += e.role == Role::kAdmin;
    if (admins == 1) throw HttpError(409, "'" + name + "' is the last admin");
  }
  Entry removed = it->second;
  users_.erase(it);
  save_or_undo([&] { users_[name] = removed; });
}

void UserStore::set_password(const std::string& name, const std::string& password) {
  check_password(password);
  std::string hash = hash_password(password, iterations_);
  std::lock_guard lock(mutex_);
  auto it = users_.find(name);
  if (it == users_.end()) throw HttpError(404, "no user '" + name + "'");
  std::string previous = it->second.password_hash;
  it->second.password_hash = hash;
  save_or_undo([&] { it->second.password_hash = previous; });
}

void UserStore::save_or_undo(const std::function<void()>& undo) const {
  try {
    save();
  } catch (...) {
    undo();  // memory stays as the file is
    throw;
  }
}

void UserStore::save() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, e] : users_)
    list.push_back({{"user", name},
                    {"role", role_name(e.role)},
                    {"password", e.password_hash},
                    {"created", e.created}});
  write_json_file(path_, {{"users", list}});
}

}  // namespace vedetta::web
