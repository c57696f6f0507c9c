#pragma once
// The server's history options and the store they choose: SQLite under
// --data-dir unless --dump-flows names a ClickHouse, nothing with --no-history.
#include <memory>
#include <string>

#include "history/history_writer.h"

namespace CLI {
class App;
}

namespace vedetta::history {

struct HistoryOptions {
  std::string dump_flows;  // "" = SQLite in the data directory; clickhouse://...
  double days = 30;        // 0 = keep forever
  uint64_t max_mb = 0;     // 0 = no size bound (SQLite: the file; ClickHouse: the tables on disk)
  bool disabled = false;
  std::string collector_name;  // "" = this host's name
};

void add_history_options(CLI::App* command, HistoryOptions& options);

// The writer for these options, its store opened (schema created); nullptr
// with --no-history. A ClickHouse that is down now is not an error (writes
// retry); an SQLite file that cannot be opened, or no --data-dir, is: UserError.
std::unique_ptr<HistoryWriter> open_history(const HistoryOptions& options,
                                            const std::string& data_dir);

}  // namespace vedetta::history
