#pragma once
// A collected flow record as one JSON object, keys named as the probe's
// JSON lines name them (IPV4_SRC_ADDR...); elements no table knows keep the
// key they arrived with. The same text read back gives the record again
// (reals to the millisecond, as written).
#include <optional>
#include <string>
#include <string_view>

#include "wire/flow_record.h"

namespace vedetta::collect {

void append_record_json(const wire::FlowRecord& r, std::string& out);
// nullopt if `text` is not a JSON object.
std::optional<wire::FlowRecord> parse_record_json(std::string_view text);

}  // namespace vedetta::collect
