#pragma once
// The `record` column read back: the whole merged wire record of a past
// flow, as flow_row_from_record stored it. Every reader of that column goes
// through here, so that how the record is stored can change in one place.
#include <cstdint>
#include <string>

#include "wire/flow_record.h"

namespace vedetta::history {

// The record of flow `uid` from its stored text; throws StoreError naming
// the flow if the text is not a record.
wire::FlowRecord stored_record(const std::string& stored, int64_t uid);

}  // namespace vedetta::history
