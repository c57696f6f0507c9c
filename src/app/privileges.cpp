#include "app/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/user_error.h"

namespace vedetta {

std::string drop_privileges(const std::string& user, const std::vector<int>& keep) {
  if (geteuid() != 0) return "not root: nothing to drop";
  passwd* pw = getpwnam(user.c_str());
  if (!pw) throw UserError(format("unknown user '%s' for --user (or use --keep-root)", user.c_str()));
  if (!keep.empty()) prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);  // survive setuid, then trim
  if (setgroups(0, nullptr) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
    throw UserError(format("cannot switch to user '%s': %s", user.c_str(), strerror(errno)));
  if (!keep.empty()) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    for (int cap : keep) {
      data[cap / 32].effective |= 1u << (cap % 32);
      data[cap / 32].permitted |= 1u << (cap % 32);
    }
    if (syscall(SYS_capset, &header, data) != 0)
      throw UserError(format("cannot keep the capabilities needed after the switch: %s",
                             strerror(errno)));
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  }
  // setuid() from root to non-root clears every capability; make sure
  // nothing can bring them back.
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (setuid(0) == 0) throw UserError("privilege drop failed: could become root again");
  return "running as " + user + (keep.empty() ? " with no capabilities" : " with only the capabilities it needs");
}

}  // namespace vedetta
