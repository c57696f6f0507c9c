#pragma once
// The data routes of docs/api.md (interfaces, flows, hosts, processes, time
// series, graph, dashboard, status) and of the history: the caller is
// checked, the answer comes from the live model or the history store. Any
// role may read.
#include <httplib.h>

#include "live/live_api.h"
#include "web/auth/authenticator.h"
#include "web/history_routes.h"

namespace vedetta::web {

void add_data_routes(httplib::Server& server, Authenticator& auth, live::LiveApi& api,
                     const HistorySource& history);

// Every other /api/ path: 404 in JSON, after authentication (so the API's
// shape is not shown to strangers).
void add_unknown_api_routes(httplib::Server& server, Authenticator& auth);

}  // namespace vedetta::web
