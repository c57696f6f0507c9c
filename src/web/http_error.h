#pragma once
// A request the console refuses, with the HTTP status to answer and a
// message for the JSON body {"error": ...}.
#include <stdexcept>
#include <string>

namespace vedetta::web {

struct HttpError : std::runtime_error {
  HttpError(int status, const std::string& message, double retry_after_s = 0)
      : std::runtime_error(message), status(status), retry_after_s(retry_after_s) {}
  int status;
  double retry_after_s;  // > 0: sent as Retry-After (429)
};

}  // namespace vedetta::web
