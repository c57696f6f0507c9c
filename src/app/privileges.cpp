#include "app/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/user_error.h"

namespace vedetta {

std::string drop_privileges(const std::string& user) {
  if (geteuid() != 0) return "not root: nothing to drop";
  passwd* pw = getpwnam(user.c_str());
  if (!pw) throw UserError(format("unknown user '%s' for --user (or use --keep-root)", user.c_str()));
  if (setgroups(0, nullptr) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
    throw UserError(format("cannot switch to user '%s': %s", user.c_str(), strerror(errno)));
  // setuid() from root to non-root clears every capability; make sure
  // nothing can bring them back.
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (setuid(0) == 0) throw UserError("privilege drop failed: could become root again");
  return "running as " + user + " with no capabilities";
}

}  // namespace vedetta
