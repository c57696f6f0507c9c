#include "history/stored_record.h"

#include "collect/record_json.h"
#include "history/flow_store.h"

namespace vedetta::history {

wire::FlowRecord stored_record(const std::string& stored, int64_t uid) {
  std::optional<wire::FlowRecord> r = collect::parse_record_json(stored);
  if (!r)
    throw StoreError("history: flow " + std::to_string(uid) +
                     ": its stored record is not a JSON object");
  return std::move(*r);
}

}  // namespace vedetta::history
