#pragma once
// The data routes of docs/api.md (interfaces, flows, hosts, processes, time
// series, graph, dashboard, status): the caller is checked, the answer comes
// from the live model. Any role may read.
#include <httplib.h>

#include "live/live_api.h"
#include "web/auth/authenticator.h"

namespace vedetta::web {

void add_data_routes(httplib::Server& server, Authenticator& auth, live::LiveApi& api);

// Every other /api/ path: 404 in JSON, after authentication (so the API's
// shape is not shown to strangers).
void add_unknown_api_routes(httplib::Server& server, Authenticator& auth);

}  // namespace vedetta::web
