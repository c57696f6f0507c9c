#pragma once
// The table of live flows: lookup by key (open addressing), counters per
// direction, timeouts and a hard cap with eviction of the least recently
// seen flow. Every flow leaves the table through the export callback, which
// gets the reason; nothing is dropped silently.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "flow/flow.h"

namespace vedetta {

struct FlowTableOptions {
  uint64_t idle_timeout_us = 30'000'000;     // 0 = never (flows end at shutdown)
  uint64_t active_timeout_us = 120'000'000;  // long flows exported every period; 0 = never
  uint64_t tcp_close_timeout_us = 5'000'000; // after FIN both ways / RST; 0 = ignore FIN/RST
  size_t max_flows = 1'000'000;
};

struct FlowTableStats {
  uint64_t created = 0;
  uint64_t exported = 0;
  uint64_t evicted = 0;     // pushed out by max_flows
  uint64_t active_exports = 0;
};

class FlowTable {
 public:
  // Called for every export: final ones (the flow then leaves the table) and
  // periodic ones of long flows (reason kActiveTimeout, flow stays).
  using ExportFn = std::function<void(Flow&, ExportReason)>;

  FlowTable(FlowTableOptions options, ExportFn on_export);
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Finds or creates the flow of a packet and counts it. `from_client` tells
  // the packet's direction. Never fails: at the cap, the oldest flow is
  // evicted first.
  Flow& update(const DecodedPacket& p, uint16_t input_if, bool& from_client);

  // Exports flows idle or closed at time `now_us` (packet or wall time).
  void expire(uint64_t now_us);
  // Live inputs: exports (reason kActiveTimeout) every flow with packets not
  // yet exported whose previous export is `period_us` old at `now_us`, so
  // that a live view sees flows while they run. Called about every period,
  // it visits only the flows seen in the last two periods.
  void export_active(uint64_t now_us, uint64_t period_us);
  // Exports every flow (reason kShutdown) and empties the table.
  void flush(ExportReason reason = ExportReason::kShutdown);

  size_t size() const { return size_; }
  const FlowTableStats& stats() const { return stats_; }
  const FlowTableOptions& options() const { return options_; }
  // Bytes the table itself uses per flow (slot array share + Flow object).
  size_t bytes_per_flow() const;

 private:
  // Flows are named by their index in the slab (0 = none): 4 bytes per
  // link and per slot instead of a pointer's 8.
  using Index = uint32_t;
  struct List {
    Index head = 0;  // most recent
    Index tail = 0;  // oldest
  };
  enum : uint8_t { kActiveList = 0, kClosingList = 1 };
  static constexpr unsigned kBlockBits = 10;  // 1,024 flows per slab block

  Flow& at(Index i) const { return blocks_[i >> kBlockBits][i & ((1u << kBlockBits) - 1)]; }
  Index find(const FlowKey& key, uint64_t hash, size_t& slot) const;
  Index create(const FlowKey& key, uint64_t hash, size_t slot);
  void remove(Index i, ExportReason reason);  // exports, unlinks, frees
  void export_now(Flow& f, uint64_t now_us);  // an active export: the flow stays
  void erase_slot(size_t slot);
  void grow();
  void link_front(Index i, uint8_t list);
  void unlink(Index i);
  void touch(Index i, const Flow& f);
  void start_flow(Flow& f, const DecodedPacket& p, bool sender_is_lo, uint16_t input_if);
  void count(Index i, Flow& f, const DecodedPacket& p, bool from_client);

  Index allocate();
  void release(Index i);

  FlowTableOptions options_;
  ExportFn on_export_;
  std::vector<Index> slots_;         // open addressing, linear probing
  std::vector<uint32_t> slot_hash_;  // low 32 bits of each slot's hash: tag and home slot
  size_t mask_ = 0;
  size_t size_ = 0;
  List lists_[2];
  uint64_t next_id_ = 1;
  FlowTableStats stats_;
  // Flows come from blocks (no per-flow malloc header); freed ones are
  // chained through `next` for reuse. The blocks stay allocated up to the
  // peak, which max_flows bounds.
  std::vector<std::unique_ptr<Flow[]>> blocks_;
  Index free_head_ = 0;
};

}  // namespace vedetta
