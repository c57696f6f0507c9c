#include "history/history_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "common/user_error.h"
#include "history/clickhouse_store.h"
#include "history/sqlite_store.h"

namespace vedetta::history {

void add_history_options(CLI::App* s, HistoryOptions& o) {
  s->add_option("--dump-flows", o.dump_flows,
                "History in ClickHouse instead of SQLite in --data-dir: "
                "clickhouse://USER:PASSWORD@HOST:8123/DATABASE (see docs/history.md)");
  s->add_option("--history-days", o.days, "Keep this many days of history (0 = forever)")
      ->check(CLI::Range(0.0, 36500.0))
      ->capture_default_str();
  s->add_option("--history-max-mb", o.max_mb,
                "Delete the oldest history beyond this many MB (0 = no bound)")
      ->capture_default_str();
  s->add_option("--collector-name", o.collector_name,
                "Name stored with each flow (column collector), to tell the flows of several "
                "servers sharing one --dump-flows database apart (default: the host name)");
  s->add_flag("--no-history", o.disabled, "Store no history");
}

std::unique_ptr<HistoryWriter> open_history(const HistoryOptions& o, const std::string& data_dir) {
  if (o.disabled) return nullptr;
  std::shared_ptr<FlowStore> store;
  try {
    if (!o.dump_flows.empty()) {
      store = std::make_shared<ClickHouseStore>(parse_clickhouse_url(o.dump_flows));
    } else {
      if (data_dir.empty())
        throw UserError("history: no --data-dir for history.db (give one, or --no-history)");
      store = std::make_shared<SqliteStore>(data_dir + "/history.db");
    }
  } catch (const StoreError& e) {
    throw UserError(e.what());
  } catch (const StoreUnavailable& e) {
    throw UserError(e.what());
  }
  WriterOptions w;
  // ClickHouse wants few, large inserts (each one is a part to merge later).
  if (!o.dump_flows.empty()) w.batch_size = 10'000;
  w.retention.max_days = o.days;
  w.retention.max_mb = o.max_mb;
  w.collector_name = o.collector_name;
  if (w.collector_name.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    w.collector_name = host;
  }
  return std::make_unique<HistoryWriter>(std::move(store), w);
}

}  // namespace vedetta::history
