#include "web/auth/first_admin.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "common/user_error.h"
#include "web/auth/crypto.h"
#include "web/data_dir.h"
#include "web/http_error.h"

namespace vedetta::web {

std::optional<std::string> given_admin_password(const std::string& file) {
  if (!file.empty()) {
    auto content = read_file_if_exists(file);
    if (!content) throw UserError(format("--admin-password-file %s: no such file", file.c_str()));
    std::string password = content->substr(0, content->find_first_of("\r\n"));
    if (password.empty())
      throw UserError(format("--admin-password-file %s: the first line is empty", file.c_str()));
    struct stat st;
    if (stat(file.c_str(), &st) == 0 && (st.st_mode & 0077))
      std::fprintf(stderr,
                   "vedetta: server: warning: --admin-password-file %s is readable by "
                   "others than its owner (chmod 600 it)\n",
                   file.c_str());
    return password;
  }
  if (const char* value = std::getenv(kAdminPasswordEnv); value && *value) {
    std::string password = value;
    unsetenv(kAdminPasswordEnv);  // not passed on to anything the server starts
    return password;
  }
  return std::nullopt;
}

std::optional<std::string> create_first_admin(UserStore& users, const std::string& data_dir,
                                              const std::optional<std::string>& given) {
  if (!users.empty()) return std::nullopt;
  std::string password = given ? *given : random_token(18);
  // The file first: a password in users.json that nobody can read would lock
  // everyone out.
  if (!given) write_file_atomically(data_dir + "/admin-password", password + "\n");
  try {
    users.add("admin", password, Role::kAdmin);
  } catch (const HttpError& e) {
    throw UserError(format("the first admin's password (%s): %s",
                           given ? "--admin-password-file or VEDETTA_ADMIN_PASSWORD" : "random",
                           e.what()));
  }
  if (given) return std::nullopt;
  return password;
}

}  // namespace vedetta::web
