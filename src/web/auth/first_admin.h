#pragma once
// The first start: a data directory with no users gets the user "admin".
// Its password comes from --admin-password-file or VEDETTA_ADMIN_PASSWORD,
// else it is random, written to DATA_DIR/admin-password (0600) and shown once.
// Never a fixed default, never a prompt, never a command-line value.
#include <optional>
#include <string>

#include "web/auth/users.h"

namespace vedetta::web {

constexpr const char* kAdminPasswordEnv = "VEDETTA_ADMIN_PASSWORD";

// The password given for the first admin: the first line of `file` if not
// empty, else the environment variable (removed from the environment once
// read). nullopt if neither. Throws UserError for an unreadable or empty file.
// Called before the privilege drop: the file may be root's only.
std::optional<std::string> given_admin_password(const std::string& file);

// If `users` is empty, creates "admin" with `given` or a random password.
// Returns the random password (to be shown once), or nullopt if none was
// made. Throws UserError if `given` is too short.
std::optional<std::string> create_first_admin(UserStore& users, const std::string& data_dir,
                                              const std::optional<std::string>& given);

}  // namespace vedetta::web
