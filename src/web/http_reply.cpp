#include "web/http_reply.h"

#include <cmath>

#include "web/auth/crypto.h"
#include "web/http_error.h"
#include "web/json_text.h"

namespace vedetta::web {

void reply_json(httplib::Response& res, const nlohmann::json& body, int status) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(dump_json(body), "application/json");
}

void reply_error(httplib::Response& res, int status, const std::string& message,
                 double retry_after_s) {
  if (retry_after_s > 0)
    res.set_header("Retry-After", std::to_string(static_cast<long>(std::ceil(retry_after_s))));
  reply_json(res, {{"error", message}}, status);
}

nlohmann::json json_body(const httplib::Request& req) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    throw HttpError(400, "body: expected a JSON object");
  return body;
}

std::string body_string(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string())
    throw HttpError(400, std::string("body: '") + key + "' must be a string");
  return it->get<std::string>();
}

live::Params query_params(const httplib::Request& req) {
  live::Params params;
  for (const auto& [key, value] : req.params)
    if (!params.emplace(key, value).second)
      throw HttpError(400, "parameter '" + key + "' given twice");
  return params;
}

void answer_errors(httplib::Response& res, const std::function<void()>& answer) {
  try {
    answer();
  } catch (const HttpError& e) {
    reply_error(res, e.status, e.what(), e.retry_after_s);
  } catch (const live::BadQuery& e) {
    reply_error(res, 400, e.what());
  } catch (const live::NotFound& e) {
    reply_error(res, 404, e.what());
  }
}

httplib::Server::Handler guarded(Authenticator& auth, std::optional<Role> need,
                                 GuardedHandler handler) {
  return [&auth, need, handler](const httplib::Request& req, httplib::Response& res) {
    answer_errors(res, [&] {
      std::string authorization = req.get_header_value("Authorization");
      Identity who;
      try {
        who = auth.authenticate(req.get_header_value("Cookie"), authorization, req.remote_addr);
      } catch (const HttpError& e) {
        // Only a client that tried basic auth is asked for it: a browser
        // would otherwise pop up its own login box over the console's.
        if (e.status == 401 && authorization.rfind("Basic ", 0) == 0)
          res.set_header("WWW-Authenticate", "Basic realm=\"vedetta\", charset=\"UTF-8\"");
        throw;
      }
      bool changes = req.method != "GET" && req.method != "HEAD";
      if (changes && who.method == AuthMethod::kSession &&
          !constant_time_equal(req.get_header_value("X-CSRF-Token"),
                               Authenticator::csrf_token(who.session_id)))
        throw HttpError(403, "missing or wrong X-CSRF-Token (GET /api/v1/session gives it)");
      if (need == Role::kAdmin && who.user.role != Role::kAdmin)
        throw HttpError(403, "needs the admin role");
      handler(req, res, who);
    });
  };
}

}  // namespace vedetta::web
