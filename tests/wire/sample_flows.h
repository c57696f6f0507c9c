#pragma once
// Flow records shaped like the probe's exports (export/fields.cpp): the
// 5-tuple, counters, timestamps, nDPI results and both processes, about 30
// fields. Shared by the wire tests and bench/collector/decode_rate.cpp.
#include <string>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::wire::testing {

inline FlowRecord sample_flow(uint32_t n) {
  FlowRecord r;
  r.fields.reserve(32);
  const std::string host = std::to_string(n % 250 + 1);
  r.add(8, "10.0.0." + host);                      // IPV4_SRC_ADDR
  r.add(12, "93.184.216." + std::to_string(n % 200 + 20));  // IPV4_DST_ADDR
  r.add(7, uint64_t(32768 + n % 28000));           // L4_SRC_PORT
  r.add(11, uint64_t(443));                        // L4_DST_PORT
  r.add(4, uint64_t(6));                           // PROTOCOL
  r.add(6, uint64_t(0x1b));                        // TCP_FLAGS
  r.add(1, uint64_t(1200 + n * 37));               // IN_BYTES
  r.add(2, uint64_t(9 + n % 50));                  // IN_PKTS
  r.add(23, uint64_t(48000 + n * 1013));           // OUT_BYTES
  r.add(24, uint64_t(40 + n % 90));                // OUT_PKTS
  r.add(22, uint64_t(1732700000 + n));             // FIRST_SWITCHED
  r.add(21, uint64_t(1732700004 + n));             // LAST_SWITCHED
  r.add(152, uint64_t(1732700000123ull + n));      // FLOW_START_MILLISECONDS (past 32 bits)
  r.add(153, uint64_t(1732700004567ull + n));      // FLOW_END_MILLISECONDS
  r.add(60, uint64_t(4));                          // IP_PROTOCOL_VERSION
  r.add(57590, "91.126");                          // L7_PROTO
  r.add(57591, "TLS.Google");                      // L7_PROTO_NAME
  r.add(57595, 1.25 + n % 7);                      // CLIENT_NW_LATENCY_MS
  r.add(57640, uint64_t(4000 + n));                // SRC_PROC_PID
  r.add(57641, "curl");                            // SRC_PROC_NAME
  r.add(57844, "alice");                           // SRC_PROC_USER_NAME
  r.add(57845, uint64_t(3990 + n));                // SRC_FATHER_PROC_PID
  r.add(57846, "bash");                            // SRC_FATHER_PROC_NAME
  r.add(57897, uint64_t(1000));                    // SRC_PROC_UID
  r.add(58028, "curl -s https://example.org/api/v1/items?page=" + std::to_string(n));
  r.add(61454, "/usr/bin/curl");                   // SRC_PROC_EXE
  r.add(57847, uint64_t(812));                     // DST_PROC_PID (a local server)
  r.add(57848, "nginx");                           // DST_PROC_NAME
  r.add(57849, "www-data");                        // DST_PROC_USER_NAME
  r.add(61442, "eth0");                            // INTERFACE_NAME
  r.add(61445, n % 2 == 0);                        // DIRECTION_GUESSED
  return r;
}

inline std::vector<FlowRecord> sample_flows(size_t count, uint32_t first = 0) {
  std::vector<FlowRecord> flows;
  flows.reserve(count);
  for (size_t i = 0; i < count; ++i) flows.push_back(sample_flow(first + uint32_t(i)));
  return flows;
}

}  // namespace vedetta::wire::testing
