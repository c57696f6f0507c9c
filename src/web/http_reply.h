#pragma once
// JSON in and out of httplib requests, and the wrapper every API handler
// runs in: it checks who asks (session, token or basic auth), their role and
// the CSRF token, and turns refusals into {"error": ...} answers.
#include <functional>
#include <optional>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "live/live_api.h"
#include "web/auth/authenticator.h"

namespace vedetta::web {

void reply_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void reply_error(httplib::Response& res, int status, const std::string& message,
                 double retry_after_s = 0);

// The body as a JSON object; HttpError 400 if it is not one.
nlohmann::json json_body(const httplib::Request& req);
// A string member of a request body; HttpError 400 naming it if missing.
std::string body_string(const nlohmann::json& body, const char* key);

// The query parameters; HttpError 400 if one is given twice.
live::Params query_params(const httplib::Request& req);

// Runs `answer`, mapping HttpError, live::BadQuery (400) and live::NotFound
// (404) to JSON errors. Other exceptions reach the server's 500 handler.
void answer_errors(httplib::Response& res, const std::function<void()>& answer);

using GuardedHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const Identity&)>;

// An API handler that needs a logged-in caller with role `need` (nullopt:
// any role). Changes (POST/PUT/DELETE) authenticated by the session cookie
// must carry the session's CSRF token in X-CSRF-Token.
httplib::Server::Handler guarded(Authenticator& auth, std::optional<Role> need,
                                 GuardedHandler handler);

}  // namespace vedetta::web
