#pragma once
// The console's users (DATA_DIR/users.json): a name, a role and a password
// hash each. Thread-safe; every change is written to disk before it returns.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vedetta::web {

enum class Role { kAdmin, kViewer };
std::string role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct User {
  std::string name;
  Role role;
};

class UserStore {
 public:
  // Reads `path` if it exists; throws UserError naming the file and the entry
  // if it is damaged. `iterations`: PBKDF2 rounds for new passwords.
  explicit UserStore(std::string path, uint32_t iterations);

  bool empty() const;
  std::vector<User> list() const;
  std::optional<User> find(const std::string& name) const;

  // The user if `password` is theirs. Takes as long for an unknown name as
  // for a wrong password, so a guesser cannot tell names apart by timing.
  std::optional<User> verify(const std::string& name, const std::string& password) const;

  // Throws HttpError: 400 for a bad name or a short password, 409 if the
  // name is taken.
  User add(const std::string& name, const std::string& password, Role role);
  // Throws HttpError 404 if unknown, 409 for the last admin.
  void remove(const std::string& name);
  // A new password for an existing user (HttpError 404/400 as above).
  void set_password(const std::string& name, const std::string& password);

  static constexpr size_t kMinPasswordLength = 8;

 private:
  struct Entry {
    Role role;
    std::string password_hash;
    double created;
  };
  void save() const;  // mutex_ held
  void save_or_undo(const std::function<void()>& undo) const;

  std::string path_;
  uint32_t iterations_;
  std::string unknown_user_hash_;  // verified against for unknown names
  mutable std::mutex mutex_;
  std::map<std::string, Entry> users_;
};

}  // namespace vedetta::web
