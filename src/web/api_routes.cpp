#include "web/api_routes.h"

#include <charconv>

#include "web/history_routes.h"
#include "web/http_error.h"
#include "web/http_reply.h"

namespace vedetta::web {
namespace {

using Answer = std::function<nlohmann::json(const live::LiveApi&, const httplib::Request&)>;

uint64_t flow_id(const std::string& text) {
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size())
    throw HttpError(400, "flows: id '" + text + "' is not a number");
  return id;
}

}  // namespace

void add_data_routes(httplib::Server& server, Authenticator& auth, live::LiveApi& api,
                     const HistorySource& history) {
  const std::pair<const char*, Answer> routes[] = {
      {"/api/v1/interfaces", [](const live::LiveApi& a, const auto&) { return a.interfaces(); }},
      {"/api/v1/flows",
       [](const live::LiveApi& a, const auto& req) { return a.flows(query_params(req)); }},
      {R"(/api/v1/flows/([^/]+))",
       [](const live::LiveApi& a, const auto& req) { return a.flow(flow_id(req.matches[1])); }},
      {"/api/v1/hosts",
       [](const live::LiveApi& a, const auto& req) { return a.hosts(query_params(req)); }},
      {R"(/api/v1/hosts/([^/]+))",
       [](const live::LiveApi& a, const auto& req) { return a.host(req.matches[1]); }},
      {"/api/v1/processes",
       [](const live::LiveApi& a, const auto& req) { return a.processes(query_params(req)); }},
      {R"(/api/v1/processes/([^/]+))",
       [](const live::LiveApi& a, const auto& req) { return a.process(req.matches[1]); }},
      {"/api/v1/timeseries",
       [](const live::LiveApi& a, const auto& req) { return a.timeseries(query_params(req)); }},
      {"/api/v1/graph",
       [](const live::LiveApi& a, const auto& req) { return a.graph(query_params(req)); }},
      {"/api/v1/dashboard", [](const live::LiveApi& a, const auto&) { return a.dashboard(); }},
  };
  for (const auto& [pattern, answer] : routes)
    server.Get(pattern, guarded(auth, std::nullopt,
                                [&api, answer = answer](const httplib::Request& req,
                                                        httplib::Response& res, const Identity&) {
                                  reply_json(res, answer(api, req));
                                }));
  server.Get("/api/v1/status",
             guarded(auth, std::nullopt,
                     [&api, &history](const httplib::Request&, httplib::Response& res,
                                      const Identity&) {
                       nlohmann::json status = api.status();
                       status["history"] = history_status(history);
                       reply_json(res, status);
                     }));
  add_history_routes(server, auth, history);
}

void add_unknown_api_routes(httplib::Server& server, Authenticator& auth) {
  auto unknown = guarded(auth, std::nullopt,
                         [](const httplib::Request& req, httplib::Response&, const Identity&) {
                           throw HttpError(404, "no API path " + req.method + " " + req.path);
                         });
  const char* pattern = "/api/.*";
  server.Get(pattern, unknown);
  server.Post(pattern, unknown);
  server.Put(pattern, unknown);
  server.Delete(pattern, unknown);
  server.Patch(pattern, unknown);
}

}  // namespace vedetta::web
