#pragma once
// GET /api/v1/history/{flows,flows/UID,top,timeseries,drilldown} (docs/api.md,
// "History"), answered by the server's history store, and the history
// writer's part of GET /api/v1/status. Any role may read.
#include <functional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "history/history_query.h"
#include "web/auth/authenticator.h"

namespace vedetta::web {

struct HistorySource {
  const history::HistoryQuery* query = nullptr;  // nullptr: the server keeps no history
  std::string off_reason = "this server keeps no history";
  std::function<nlohmann::json()> writer_status;  // {"written", "dropped", ...}
};

// The "history" object of GET /api/v1/status.
nlohmann::json history_status(const HistorySource& source);

// `source` must outlive the server.
void add_history_routes(httplib::Server& server, Authenticator& auth, const HistorySource& source);

}  // namespace vedetta::web
