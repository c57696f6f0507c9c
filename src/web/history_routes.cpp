#include "web/history_routes.h"

#include "web/http_error.h"
#include "web/http_reply.h"

namespace vedetta::web {
namespace {

using Question = nlohmann::json (history::HistoryQuery::*)(const live::Params&) const;

}  // namespace

nlohmann::json history_status(const HistorySource& source) {
  if (!source.query) return {{"enabled", false}, {"reason", source.off_reason}};
  nlohmann::json status = source.writer_status ? source.writer_status() : nlohmann::json::object();
  status["enabled"] = true;
  return status;
}

void add_history_routes(httplib::Server& server, Authenticator& auth,
                        const HistorySource& source) {
  const std::pair<const char*, Question> routes[] = {
      {"/api/v1/history/flows", &history::HistoryQuery::flows},
      {"/api/v1/history/top", &history::HistoryQuery::top},
      {"/api/v1/history/timeseries", &history::HistoryQuery::timeseries},
      {"/api/v1/history/drilldown", &history::HistoryQuery::drilldown},
  };
  for (const auto& [pattern, question] : routes)
    server.Get(pattern, guarded(auth, std::nullopt,
                                [&source, question = question](const httplib::Request& req,
                                                               httplib::Response& res,
                                                               const Identity&) {
                                  if (!source.query)
                                    throw HttpError(503, "history: " + source.off_reason);
                                  try {
                                    reply_json(res, (source.query->*question)(query_params(req)));
                                  } catch (const history::StoreUnavailable& e) {
                                    throw HttpError(503, std::string("history: ") + e.what());
                                  }
                                }));
}

}  // namespace vedetta::web
