#include "app/delay_accounting.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "common/proc_files.h"
#include "common/user_error.h"

namespace vedetta {
namespace {

constexpr const char* kSysctl = "/proc/sys/kernel/task_delayacct";

bool write_sysctl(char value) {
  int fd = open(kSysctl, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, &value, 1) == 1;
  close(fd);
  return ok;
}

uint64_t wall_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// The helper: ignores the terminal's signals (they go to the whole process
// group), waits for the probe's end of the pipe to close, restores.
[[noreturn]] void restore_when_closed(int read_fd, char old_value) {
  prctl(PR_SET_NAME, "vedetta-delayac", 0, 0, 0);
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  for (int fd = 3; fd < 1024; ++fd)
    if (fd != read_fd) close(fd);  // captures, BPF maps: not the helper's business
  char b;
  for (;;) {
    ssize_t n = read(read_fd, &b, 1);
    if (n == 0 || (n < 0 && errno != EINTR)) break;
  }
  _exit(write_sysctl(old_value) ? 0 : 1);
}

}  // namespace

DelayAccounting current_delay_accounting() {
  std::string v = read_text_file(kSysctl);
  return DelayAccounting{!v.empty() && v[0] == '1', 0};
}

DelayAccountingSwitch::DelayAccountingSwitch() {
  std::string old = read_text_file(kSysctl);
  if (old.empty())
    throw UserError(
        format("--delayacct: %s is missing (kernel without delay accounting)", kSysctl));
  if (old[0] == '1') {  // already on: nothing to switch or restore
    state_ = {true, 0};
    return;
  }
  uint64_t since = wall_us();
  if (!write_sysctl('1'))
    throw UserError(
        format("--delayacct: cannot switch %s on: %s (needs root)", kSysctl, strerror(errno)));
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0 || (helper_ = fork()) < 0) {
    int err = errno;
    write_sysctl(old[0]);
    throw UserError(format("--delayacct: cannot start the helper that restores %s: %s", kSysctl,
                           strerror(err)));
  }
  if (helper_ == 0) restore_when_closed(fds[0], old[0]);
  close(fds[0]);
  pipe_fd_ = fds[1];
  state_ = {true, since};
}

DelayAccountingSwitch::~DelayAccountingSwitch() {
  if (pipe_fd_ < 0) return;
  close(pipe_fd_);
  int status;
  while (waitpid(helper_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace vedetta
