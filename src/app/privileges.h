#pragma once
// Least privilege: once captures are open, a long-running command becomes
// an unprivileged user (default "nobody") and keeps no capabilities, as
// nProbe does with -u. --keep-root skips this.
#include <string>

namespace vedetta {

// Returns a note for the log ("running as nobody"), or throws UserError if
// the user does not exist or the switch fails. Does nothing when not root.
std::string drop_privileges(const std::string& user);

}  // namespace vedetta
