#pragma once
// A collected flow record as one JSON object, keys named as the probe's
// JSON lines name them (IPV4_SRC_ADDR...); elements no table knows keep the
// key they arrived with.
#include <string>

#include "wire/flow_record.h"

namespace vedetta::collect {

void append_record_json(const wire::FlowRecord& r, std::string& out);

}  // namespace vedetta::collect
