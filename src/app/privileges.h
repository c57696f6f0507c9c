#pragma once
// Least privilege: once captures are open, a long-running command becomes
// an unprivileged user (default "nobody") and keeps no capabilities, as
// nProbe does with -u. --keep-root skips this.
#include <string>
#include <vector>

namespace vedetta {

// Returns a note for the log ("running as nobody"), or throws UserError if
// the user does not exist or the switch fails. Does nothing when not root.
// `keep` lists the capabilities (CAP_* numbers) the command still needs;
// every other one is gone.
std::string drop_privileges(const std::string& user, const std::vector<int>& keep = {});

}  // namespace vedetta
