#include "common/stdout_capture.h"

#include <unistd.h>

#include <cstdio>

namespace vedetta {

std::string capture_stdout(const std::function<void()>& fn) {
  std::fflush(stdout);
  FILE* tmp = std::tmpfile();
  int saved = tmp ? dup(STDOUT_FILENO) : -1;
  if (!tmp || saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
    if (tmp) std::fclose(tmp);
    if (saved >= 0) close(saved);
    fn();  // cannot redirect: run it anyway
    return {};
  }
  fn();
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::string out;
  std::rewind(tmp);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, tmp)) > 0) out.append(buf, n);
  std::fclose(tmp);
  return out;
}

}  // namespace vedetta
