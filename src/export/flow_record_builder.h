#pragma once
// An exported flow as a wire::FlowRecord: the chosen fields, by element id,
// with the values the JSON lines would show. The ZeroMQ and NetFlow/IPFIX
// exporters serialize these.
#include <vector>

#include "export/fields.h"
#include "wire/flow_record.h"

namespace vedetta {

// Appends the fields of `e` that have something to say (see FieldWriter).
void build_flow_record(const FlowExport& e, const std::vector<const FieldDef*>& fields,
                       wire::FlowRecord& out);

}  // namespace vedetta
