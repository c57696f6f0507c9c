#pragma once
// The console's questions to the live model, answered as the JSON bodies of
// docs/api.md. The web layer (src/web) parses HTTP, checks who asks and
// serves these; the live model (src/live) answers them. Every method is
// thread-safe: HTTP threads call them while the collector thread feeds the
// model.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace vedetta::live {

// Query parameters as given (?sort=bytes&limit=10), validated by the answer.
using Params = std::map<std::string, std::string>;

// A parameter that makes no sense: 400, the message names the parameter.
struct BadQuery : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// An id that names nothing (any more): 404.
struct NotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class LiveApi {
 public:
  virtual ~LiveApi() = default;
  virtual nlohmann::json interfaces() const = 0;
  virtual nlohmann::json flows(const Params& p) const = 0;
  virtual nlohmann::json flow(uint64_t id) const = 0;
  virtual nlohmann::json hosts(const Params& p) const = 0;
  virtual nlohmann::json host(const std::string& ip) const = 0;
  virtual nlohmann::json processes(const Params& p) const = 0;
  virtual nlohmann::json process(const std::string& key) const = 0;
  virtual nlohmann::json timeseries(const Params& p) const = 0;
  virtual nlohmann::json graph(const Params& p) const = 0;
  virtual nlohmann::json dashboard() const = 0;
  virtual nlohmann::json status() const = 0;
};

}  // namespace vedetta::live
