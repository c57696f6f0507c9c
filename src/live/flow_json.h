#pragma once
// A FlowEntry as the API's FLOW, its detail (PROCESS_DETAIL of each end,
// tcp health, the whole record by element name), and the process shapes
// (docs/api.md). Text from outside is already valid UTF-8 (flow_entry.cpp).
#include <nlohmann/json.hpp>

#include "live/flow_entry.h"

namespace vedetta::live {

nlohmann::json flow_json(const FlowEntry& f);
nlohmann::json flow_detail_json(const FlowEntry& f);

// PROCESS_SUMMARY {"key","pid","name","user"}, or null.
nlohmann::json process_summary_json(const std::optional<ProcessFacts>& p);
// PROCESS_DETAIL, or null.
nlohmann::json process_detail_json(const std::optional<ProcessFacts>& p);

// The detail's "tcp" (flags, latency, retransmissions...) from a record of
// IP protocol `l4`; null when l4 is not TCP.
nlohmann::json tcp_health_json(const wire::FlowRecord& r, uint8_t l4);

// A record's fields by element name (unknown ids by number, unnamed as sent).
nlohmann::json record_fields_json(const wire::FlowRecord& r);

// "SAFP": the TCP flags set in `bits`.
std::string tcp_flags_text(uint64_t bits);

}  // namespace vedetta::live
