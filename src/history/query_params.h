#pragma once
// Reading the history queries' parameters: numbers in range, the time range,
// and the live table's filters turned into SQL conditions on `flows`.
#include <cstdint>
#include <string>

#include "history/flow_store.h"
#include "live/live_api.h"

namespace vedetta::history {

struct TimeRange {
  int64_t from_ms = 0, to_ms = 0;  // [from, to)
};

// from/to in epoch seconds (fractions allowed); default: the last hour before now.
TimeRange read_time_range(const live::Params& p, int64_t now_ms);

// An integer parameter in [min, max]; `fallback` when absent. Throws live::BadQuery.
int64_t read_int(const live::Params& p, const std::string& name, int64_t fallback, int64_t min,
                 int64_t max);
// A parameter that must be one of `choices` (comma-separated in messages).
std::string read_choice(const live::Params& p, const std::string& name,
                        const std::string& fallback, const std::vector<std::string>& choices);

// "first_ms < TO AND last_ms >= FROM AND ..." with every filter given:
// interface, host, port, l4, app, application (exact), process, pid, user,
// container, process_key (PID@HOST), q.
std::string flow_conditions(const live::Params& p, const TimeRange& range, const SqlDialect& d);

// IP protocol number from "TCP", "udp", "6"...; -1 if unknown.
int l4_number(const std::string& name);
std::string l4_name(int64_t number);  // "TCP", or the number as text

int64_t now_epoch_ms();

}  // namespace vedetta::history
