#include "flow/flow_table.h"

#include <algorithm>
#include <cstring>

namespace vedetta {

const char* export_reason_name(ExportReason r) {
  switch (r) {
    case ExportReason::kIdle: return "idle";
    case ExportReason::kActiveTimeout: return "active";
    case ExportReason::kEnd: return "end";
    case ExportReason::kEviction: return "eviction";
    case ExportReason::kShutdown: return "shutdown";
  }
  return "unknown";
}

FlowTable::FlowTable(FlowTableOptions options, ExportFn on_export)
    : options_(options), on_export_(std::move(on_export)) {
  slots_.assign(1024, 0);
  slot_hash_.assign(1024, 0);
  mask_ = slots_.size() - 1;
}

// Flows still here were never exported (the owner should flush() first):
// the blocks go without callbacks, whose owner may be gone.
FlowTable::~FlowTable() = default;

size_t FlowTable::bytes_per_flow() const {
  size_t slot_bytes = slots_.size() * (sizeof(Index) + sizeof(uint32_t));
  return sizeof(Flow) + (size_ ? slot_bytes / size_ : 0);
}

FlowTable::Index FlowTable::allocate() {
  if (!free_head_) {
    constexpr Index kBlock = Index(1) << kBlockBits;
    Index base = Index(blocks_.size()) << kBlockBits;
    blocks_.push_back(std::make_unique<Flow[]>(kBlock));
    // Index 0 means "none": the very first flow of the slab is never used.
    for (Index i = kBlock; i-- > (base ? 0 : 1);) {
      at(base + i).next = free_head_;
      free_head_ = base + i;
    }
  }
  Index i = free_head_;
  free_head_ = at(i).next;
  at(i) = Flow{};
  return i;
}

void FlowTable::release(Index i) {
  Flow& f = at(i);
  f.dpi.host.clear();
  f.extras_box.reset();
  f.next = free_head_;
  free_head_ = i;
}

FlowTable::Index FlowTable::find(const FlowKey& key, uint64_t hash, size_t& slot) const {
  uint32_t tag = static_cast<uint32_t>(hash);
  size_t i = tag & mask_;
  while (Index f = slots_[i]) {
    if (slot_hash_[i] == tag && at(f).key == key) {
      slot = i;
      return f;
    }
    i = (i + 1) & mask_;
  }
  slot = i;
  return 0;
}

void FlowTable::grow() {
  std::vector<Index> old = std::move(slots_);
  std::vector<uint32_t> old_tags = std::move(slot_hash_);
  slots_.assign(old.size() * 2, 0);
  slot_hash_.assign(old.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (size_t k = 0; k < old.size(); ++k) {
    if (!old[k]) continue;
    size_t i = old_tags[k] & mask_;
    while (slots_[i]) i = (i + 1) & mask_;
    slots_[i] = old[k];
    slot_hash_[i] = old_tags[k];
  }
}

// Backward-shift deletion keeps probe chains intact without tombstones.
void FlowTable::erase_slot(size_t i) {
  slots_[i] = 0;
  size_t j = i;
  for (;;) {
    j = (j + 1) & mask_;
    Index f = slots_[j];
    if (!f) return;
    size_t home = slot_hash_[j] & mask_;
    bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
    if (stays) continue;
    slots_[i] = f;
    slot_hash_[i] = slot_hash_[j];
    slots_[j] = 0;
    i = j;
  }
}

void FlowTable::link_front(Index i, uint8_t list) {
  List& l = lists_[list];
  Flow& f = at(i);
  f.list = list;
  f.prev = 0;
  f.next = l.head;
  if (l.head) at(l.head).prev = i;
  l.head = i;
  if (!l.tail) l.tail = i;
}

void FlowTable::unlink(Index i) {
  Flow& f = at(i);
  List& l = lists_[f.list];
  if (f.prev) at(f.prev).next = f.next; else l.head = f.next;
  if (f.next) at(f.next).prev = f.prev; else l.tail = f.prev;
  f.prev = f.next = 0;
}

void FlowTable::touch(Index i, const Flow& f) {
  if (f.list != kActiveList || lists_[kActiveList].head == i) return;
  unlink(i);
  link_front(i, kActiveList);
}

FlowTable::Index FlowTable::create(const FlowKey& key, uint64_t hash, size_t slot) {
  Index i = allocate();
  Flow& f = at(i);
  f.key = key;
  f.id = next_id_++;
  slots_[slot] = i;
  slot_hash_[slot] = static_cast<uint32_t>(hash);
  ++size_;
  ++stats_.created;
  link_front(i, kActiveList);
  return i;
}

void FlowTable::remove(Index i, ExportReason reason) {
  Flow& f = at(i);
  on_export_(f, reason);
  ++stats_.exported;
  size_t slot;
  if (find(f.key, f.key.hash(), slot) == i) erase_slot(slot);
  unlink(i);
  --size_;
  release(i);
}

void FlowTable::start_flow(Flow& f, const DecodedPacket& p, bool sender_is_lo,
                           uint16_t input_if) {
  using namespace tcp_flag;
  bool sender_is_client = true;
  if (p.is_tcp) {
    uint8_t syn_ack = p.tcp_flags & (kSyn | kAck);
    if (syn_ack == (kSyn | kAck)) sender_is_client = false;  // we missed the SYN
    else if (syn_ack != kSyn) f.direction_guessed = true;   // mid-stream start
  }
  f.lo_is_client = (sender_is_lo == sender_is_client);
  f.first_us = f.last_us = p.ts_us;
  f.tunnel = p.tunnel;
  f.input_if = input_if;
  f.ifindex = p.ifindex;
  if (p.has_mac) {
    std::memcpy(sender_is_client ? f.client_mac : f.server_mac, p.src_mac, 6);
    std::memcpy(sender_is_client ? f.server_mac : f.client_mac, p.dst_mac, 6);
  }
}

void FlowTable::count(Index i, Flow& f, const DecodedPacket& p, bool from_client) {
  DirectionCounters& d = from_client ? f.c2s : f.s2c;
  ++d.packets;
  d.ip_bytes += p.ip_len;
  d.frame_bytes += p.frame_len;
  d.tcp_flags |= p.tcp_flags;
  int dir = from_client ? 0 : 1;
  if (p.first_fragment) ++f.extras().fragments[dir];
  if (p.ts_us > f.last_us) f.last_us = p.ts_us;
  if (!p.is_tcp) return;

  f.tcp.on_packet(p, dir);
  if (options_.tcp_close_timeout_us == 0 || f.closed_us()) return;
  if (p.tcp_flags & tcp_flag::kFin) {
    if (from_client) f.fin_from_client = true;
    else f.fin_from_server = true;
  }
  if ((p.tcp_flags & tcp_flag::kRst) || (f.fin_from_client && f.fin_from_server)) {
    f.extras().closed_us = p.ts_us;
    unlink(i);
    link_front(i, kClosingList);
  }
}

Flow& FlowTable::update(const DecodedPacket& p, uint16_t input_if, bool& from_client) {
  bool sender_is_lo;
  FlowKey key = FlowKey::of(p, sender_is_lo);
  uint64_t hash = key.hash();
  size_t slot;
  Index i = find(key, hash, slot);

  // A new SYN on a closed connection starts a new flow (port reuse).
  if (i && at(i).closed_us() && p.is_tcp &&
      (p.tcp_flags & (tcp_flag::kSyn | tcp_flag::kAck)) == tcp_flag::kSyn) {
    remove(i, ExportReason::kEnd);
    i = 0;
  }
  if (!i) {
    if (options_.max_flows && size_ >= options_.max_flows) {
      Index victim = lists_[kClosingList].tail ? lists_[kClosingList].tail : lists_[kActiveList].tail;
      ++stats_.evicted;
      remove(victim, ExportReason::kEviction);
    }
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    find(key, hash, slot);
    i = create(key, hash, slot);
    start_flow(at(i), p, sender_is_lo, input_if);
  }

  Flow& f = at(i);
  from_client = (sender_is_lo == f.lo_is_client);
  count(i, f, p, from_client);
  touch(i, f);

  if (options_.active_timeout_us && p.ts_us >= f.last_export_us() + options_.active_timeout_us)
    export_now(f, p.ts_us);
  return f;
}

void FlowTable::export_now(Flow& f, uint64_t now_us) {
  on_export_(f, ExportReason::kActiveTimeout);
  ++stats_.active_exports;
  FlowExtras& x = f.extras();
  x.exported_c2s = {f.c2s.packets, f.c2s.ip_bytes};
  x.exported_s2c = {f.s2c.packets, f.s2c.ip_bytes};
  x.last_export_us = now_us;
}

void FlowTable::export_active(uint64_t now_us, uint64_t period_us) {
  // A flow with unexported packets last seen at T is due by T + period:
  // a sweep at most a period later still finds it within two periods.
  for (const List& l : lists_) {
    for (Index i = l.head; i && at(i).last_us + 2 * period_us >= now_us; i = at(i).next) {
      Flow& f = at(i);
      const bool unexported = f.c2s.packets != f.exported_c2s().packets ||
                              f.s2c.packets != f.exported_s2c().packets;
      if (unexported && now_us >= f.last_export_us() + period_us) export_now(f, now_us);
    }
  }
}

void FlowTable::expire(uint64_t now_us) {
  if (options_.idle_timeout_us) {
    while (Index i = lists_[kActiveList].tail) {
      if (at(i).last_us + options_.idle_timeout_us > now_us) break;
      remove(i, ExportReason::kIdle);
    }
  }
  while (Index i = lists_[kClosingList].tail) {
    if (at(i).closed_us() + options_.tcp_close_timeout_us > now_us) break;
    remove(i, ExportReason::kEnd);
  }
}

void FlowTable::flush(ExportReason reason) {
  // Everything goes: export oldest first, then empty the slots at once
  // rather than deleting flow by flow.
  for (auto& l : lists_) {
    for (Index i = l.tail; i; i = at(i).prev) {
      on_export_(at(i), reason);
      ++stats_.exported;
    }
  }
  for (auto& l : lists_) {
    for (Index i = l.tail; i;) {
      Index prev = at(i).prev;
      release(i);
      i = prev;
    }
    l = List{};
  }
  std::fill(slots_.begin(), slots_.end(), 0);
  size_ = 0;
}

}  // namespace vedetta
