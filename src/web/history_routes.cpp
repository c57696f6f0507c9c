#include "web/history_routes.h"

#include "web/http_error.h"
#include "web/http_reply.h"

namespace vedetta::web {
namespace {

using Answer =
    nlohmann::json (*)(const history::HistoryQuery& query, const httplib::Request& req);

}  // namespace

nlohmann::json history_status(const HistorySource& source) {
  if (!source.query) return {{"enabled", false}, {"reason", source.off_reason}};
  nlohmann::json status = source.writer_status ? source.writer_status() : nlohmann::json::object();
  status["enabled"] = true;
  return status;
}

void add_history_routes(httplib::Server& server, Authenticator& auth,
                        const HistorySource& source) {
  using Query = history::HistoryQuery;
  using Req = httplib::Request;
  const std::pair<const char*, Answer> routes[] = {
      {"/api/v1/history/flows", [](const Query& q, const Req& r) { return q.flows(query_params(r)); }},
      {R"(/api/v1/history/flows/([^/]+))",
       [](const Query& q, const Req& r) { return q.flow(r.matches[1]); }},
      {"/api/v1/history/top", [](const Query& q, const Req& r) { return q.top(query_params(r)); }},
      {"/api/v1/history/timeseries",
       [](const Query& q, const Req& r) { return q.timeseries(query_params(r)); }},
      {"/api/v1/history/drilldown",
       [](const Query& q, const Req& r) { return q.drilldown(query_params(r)); }},
  };
  for (const auto& [pattern, answer] : routes)
    server.Get(pattern, guarded(auth, std::nullopt,
                                [&source, answer = answer](const httplib::Request& req,
                                                           httplib::Response& res,
                                                           const Identity&) {
                                  if (!source.query)
                                    throw HttpError(503, "history: " + source.off_reason);
                                  try {
                                    reply_json(res, answer(*source.query, req));
                                  } catch (const history::StoreUnavailable& e) {
                                    throw HttpError(503, std::string("history: ") + e.what());
                                  }
                                }));
}

}  // namespace vedetta::web
