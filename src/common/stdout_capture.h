#pragma once
// Runs a function with file descriptor 1 redirected to a temporary file and
// returns what it printed. For libraries (nDPI) that report problems with
// printf: their words must not end up in our JSON on stdout.
#include <functional>
#include <string>

namespace vedetta {

std::string capture_stdout(const std::function<void()>& fn);

}  // namespace vedetta
