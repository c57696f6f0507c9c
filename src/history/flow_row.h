#pragma once
// The stored columns of one finished flow, taken from the collector's merged
// record (collect::CollectedFlow::merged): what the history queries filter,
// sort and group on, plus the whole record for the details (in the compact
// form of stored_record.h; stored_record_json() reads it back). Both
// stores (SQLite, ClickHouse) take their schema and their inserts from the
// one column list below, so they cannot drift apart.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/flow_record.h"

namespace vedetta::history {

// The process at one end of a flow; pid 0 and an empty name: not known.
struct EndProcess {
  int64_t pid = 0;
  std::string name, user, container, cmdline;
  int64_t parent_pid = 0;
  std::string parent_name;
};

struct FlowRow {
  int64_t uid = 0;  // flow_uid(): the same flow from the same collector has the same uid in every store
  int64_t first_ms = 0, last_ms = 0;
  std::string interface;  // COLLECTOR_INPUT, else INTERFACE_NAME
  int64_t ip_version = 0, l4 = 0, vlan = 0;
  std::string client_ip, server_ip;
  int64_t client_port = 0, server_port = 0;
  std::string application, category, server_name;
  int64_t bytes_c2s = 0, bytes_s2c = 0, packets_c2s = 0, packets_s2c = 0;
  EndProcess client, server;
  std::string local_ends;  // FLOW_LOCAL_ENDS: both | client | server | none | "" (unknown)
  std::string collector;   // the server that stored it (--collector-name); "" = not named
  std::string stored_record;  // the whole record: append_stored_record()'s form

  int64_t day() const { return first_ms / 86'400'000; }  // UTC day number: the partition
};

// False (and `error` says why) if the record has no addresses or no time span.
// `collector`: the name the row is stored under (also part of its uid).
bool flow_row_from_record(const wire::FlowRecord& merged, FlowRow& out, std::string& error,
                          std::string_view collector = "");

// A 63-bit hash of the collector's name and the record's JSON: two
// collectors storing the same record (the same input name, the same
// traffic) get different uids.
int64_t flow_uid(std::string_view collector, std::string_view record_json);

enum class ColumnType : uint8_t { kInt, kText };
struct Column {
  std::string_view name;
  ColumnType type;
};

inline constexpr std::array<Column, 35> kFlowColumns = {{
    {"uid", ColumnType::kInt},           {"day", ColumnType::kInt},
    {"first_ms", ColumnType::kInt},      {"last_ms", ColumnType::kInt},
    {"interface", ColumnType::kText},    {"ip_version", ColumnType::kInt},
    {"l4", ColumnType::kInt},            {"vlan", ColumnType::kInt},
    {"client_ip", ColumnType::kText},    {"client_port", ColumnType::kInt},
    {"server_ip", ColumnType::kText},    {"server_port", ColumnType::kInt},
    {"application", ColumnType::kText},  {"category", ColumnType::kText},
    {"server_name", ColumnType::kText},  {"bytes_c2s", ColumnType::kInt},
    {"bytes_s2c", ColumnType::kInt},     {"packets_c2s", ColumnType::kInt},
    {"packets_s2c", ColumnType::kInt},   {"client_pid", ColumnType::kInt},
    {"client_process", ColumnType::kText}, {"client_user", ColumnType::kText},
    {"client_container", ColumnType::kText}, {"client_cmdline", ColumnType::kText},
    {"client_parent_pid", ColumnType::kInt}, {"client_parent_name", ColumnType::kText},
    {"server_pid", ColumnType::kInt},    {"server_process", ColumnType::kText},
    {"server_user", ColumnType::kText},  {"server_container", ColumnType::kText},
    {"server_cmdline", ColumnType::kText}, {"server_parent_pid", ColumnType::kInt},
    {"server_parent_name", ColumnType::kText}, {"local_ends", ColumnType::kText},
    {"collector", ColumnType::kText},
}};
// The whole record is stored too, after these, as column "record".

// Calls `on_int(int64_t)` / `on_text(std::string_view)` for each value of
// `row`, in kFlowColumns order, then on_text(stored_record).
template <class OnInt, class OnText>
void for_each_value(const FlowRow& r, OnInt&& on_int, OnText&& on_text) {
  on_int(r.uid), on_int(r.day()), on_int(r.first_ms), on_int(r.last_ms);
  on_text(r.interface), on_int(r.ip_version), on_int(r.l4), on_int(r.vlan);
  on_text(r.client_ip), on_int(r.client_port), on_text(r.server_ip), on_int(r.server_port);
  on_text(r.application), on_text(r.category), on_text(r.server_name);
  on_int(r.bytes_c2s), on_int(r.bytes_s2c), on_int(r.packets_c2s), on_int(r.packets_s2c);
  for (const EndProcess* p : {&r.client, &r.server}) {
    on_int(p->pid), on_text(p->name), on_text(p->user), on_text(p->container);
    on_text(p->cmdline), on_int(p->parent_pid), on_text(p->parent_name);
  }
  on_text(r.local_ends), on_text(r.collector);
  on_text(r.stored_record);
}

}  // namespace vedetta::history
