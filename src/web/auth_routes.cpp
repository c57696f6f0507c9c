#include "web/auth_routes.h"

#include "web/http_error.h"
#include "web/http_reply.h"

namespace vedetta::web {
namespace {

nlohmann::json user_json(const User& u) { return {{"user", u.name}, {"role", role_name(u.role)}}; }

nlohmann::json session_json(const User& u, const std::string& session_id) {
  nlohmann::json j = user_json(u);
  // Scripts (token, basic auth) need no CSRF token: null.
  j["csrf_token"] =
      session_id.empty() ? nlohmann::json() : nlohmann::json(Authenticator::csrf_token(session_id));
  return j;
}

std::string session_cookie(const std::string& value, long max_age, bool secure) {
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

}  // namespace

void add_auth_routes(httplib::Server& server, Authenticator& auth, bool secure_cookie,
                     double session_lifetime_s) {
  server.Post("/api/v1/login", [&auth, secure_cookie, session_lifetime_s](
                                   const httplib::Request& req, httplib::Response& res) {
    answer_errors(res, [&] {
      nlohmann::json body = json_body(req);
      auto [user, session_id] =
          auth.login(body_string(body, "user"), body_string(body, "password"), req.remote_addr);
      res.set_header("Set-Cookie",
                     session_cookie(session_id, long(session_lifetime_s), secure_cookie));
      reply_json(res, session_json(user, session_id));
    });
  });

  server.Post("/api/v1/logout",
              guarded(auth, std::nullopt,
                      [&auth, secure_cookie](const httplib::Request&, httplib::Response& res,
                                             const Identity& who) {
                        if (who.method == AuthMethod::kSession) auth.logout(who.session_id);
                        res.set_header("Set-Cookie", session_cookie("", 0, secure_cookie));
                        reply_json(res, nlohmann::json::object());
                      }));

  server.Get("/api/v1/session",
             guarded(auth, std::nullopt,
                     [](const httplib::Request&, httplib::Response& res, const Identity& who) {
                       reply_json(res, session_json(who.user, who.session_id));
                     }));

  server.Get("/api/v1/users",
             guarded(auth, Role::kAdmin,
                     [&auth](const httplib::Request&, httplib::Response& res, const Identity&) {
                       nlohmann::json list = nlohmann::json::array();
                       for (const User& u : auth.users().list()) list.push_back(user_json(u));
                       reply_json(res, {{"users", list}});
                     }));

  server.Post(
      "/api/v1/users",
      guarded(auth, Role::kAdmin,
              [&auth](const httplib::Request& req, httplib::Response& res, const Identity&) {
                nlohmann::json body = json_body(req);
                std::string role_text = body.value("role", "viewer");
                auto role = parse_role(role_text);
                if (!role) throw HttpError(400, "role: admin or viewer, not '" + role_text + "'");
                User u = auth.users().add(body_string(body, "user"), body_string(body, "password"),
                                          *role);
                reply_json(res, user_json(u));
              }));

  // A new password: an admin for anyone, everyone for themselves.
  server.Put(
      R"(/api/v1/users/([^/]+))",
      guarded(auth, std::nullopt,
              [&auth](const httplib::Request& req, httplib::Response& res, const Identity& who) {
                std::string name = req.matches[1];
                if (who.user.role != Role::kAdmin && who.user.name != name)
                  throw HttpError(403, "needs the admin role to change another user");
                auth.set_password(name, body_string(json_body(req), "password"));
                reply_json(res, nlohmann::json::object());
              }));

  server.Delete(
      R"(/api/v1/users/([^/]+))",
      guarded(auth, Role::kAdmin,
              [&auth](const httplib::Request& req, httplib::Response& res, const Identity&) {
                auth.remove_user(req.matches[1]);
                reply_json(res, nlohmann::json::object());
              }));

  // Tokens act as the user who made them, with that user's role.
  server.Post(
      "/api/v1/tokens",
      guarded(auth, std::nullopt,
              [&auth](const httplib::Request& req, httplib::Response& res, const Identity& who) {
                std::string name = body_string(json_body(req), "name");
                if (name.empty() || name.size() > 64)
                  throw HttpError(400, "name: 1 to 64 characters");
                std::string token = auth.tokens().issue(who.user.name, name, 0);
                reply_json(res, {{"name", name}, {"token", token}});
              }));

  server.Get("/api/v1/tokens",
             guarded(auth, std::nullopt,
                     [&auth](const httplib::Request&, httplib::Response& res, const Identity& who) {
                       nlohmann::json list = nlohmann::json::array();
                       for (const Secret& s : auth.tokens().list(who.user.name))
                         list.push_back({{"name", s.name}, {"created", s.created}});
                       reply_json(res, {{"tokens", list}});
                     }));

  server.Delete(
      R"(/api/v1/tokens/([^/]+))",
      guarded(auth, std::nullopt,
              [&auth](const httplib::Request& req, httplib::Response& res, const Identity& who) {
                if (!auth.tokens().revoke_named(who.user.name, req.matches[1]))
                  throw HttpError(404, "no token '" + std::string(req.matches[1]) + "'");
                reply_json(res, nlohmann::json::object());
              }));
}

}  // namespace vedetta::web
