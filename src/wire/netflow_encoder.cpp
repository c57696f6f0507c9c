#include "wire/netflow_encoder.h"

#include <string>
#include <unordered_map>

#include "wire/elements.h"
#include "wire/netflow_format.h"
#include "wire/netflow_values.h"

namespace vedetta::wire {

using namespace netflow;

namespace {

constexpr uint32_t kLastSwitched = 21, kFirstSwitched = 22;
constexpr uint32_t kStartMs = 152, kEndMs = 153;
// Largest message IPFIX's 16-bit length (and a UDP datagram) can hold, with room to spare.
constexpr size_t kMaxMessage = 65000;
constexpr uint64_t kNeverAnnounced = UINT64_MAX;

struct Template {
  uint16_t id = 0;
  std::vector<uint8_t> definition;  // the template record: id, field count, field specifiers
  uint64_t announced_round = kNeverAnnounced;
};

}  // namespace

struct NetflowEncoder::Impl {
  NetflowEncoderOptions o;
  bool ipfix = false;
  NetflowEncoderStats stats;

  std::unordered_map<std::string, Template> templates;  // key: the element ids, 4 bytes each
  uint32_t next_template_id = kFirstDataSet;

  // Template refresh: templates announced before the current round are
  // announced again when next used.
  uint64_t round = 0;
  uint64_t packets_since_refresh = 0;
  uint64_t last_refresh_ms = 0;

  // The packet under construction (empty: none) and its open set.
  std::vector<uint8_t> packet;
  size_t set_start = 0;
  int open_set = -1;  // set id, -1 = none
  size_t set_record_bytes = 0;  // length of the open set's records (fixed in NetFlow v9)
  uint32_t packet_records = 0, packet_data_records = 0;
  uint64_t pending_since = 0;

  uint32_t v9_sequence = 0;     // packets sent
  uint32_t ipfix_sequence = 0;  // data records sent
  uint64_t start_ms = 0;        // v9 sysUptime zero

  // Scratch, reused across records.
  std::vector<uint8_t> body;
  std::string key;
  std::vector<uint8_t> specifiers;
  uint16_t field_count = 0;

  void add_field(const Element& e, const FieldValue& v);
  bool build(const FlowRecord& r);
  Template* find_template();
  void begin(uint64_t now_ms);
  void finish(uint64_t now_ms, std::vector<std::vector<uint8_t>>& out);
  void open(uint16_t set_id);
  void close_set();
};

void NetflowEncoder::Impl::add_field(const Element& e, const FieldValue& v) {
  uint16_t type = 0;
  uint32_t pen = 0;
  if (ipfix ? !ipfix_field_of(e.id, type, pen) : e.id > 0xFFFF) return;
  if (!ipfix) type = static_cast<uint16_t>(e.id);
  bool variable = ipfix && e.kind == ElementKind::kText;
  if (!encode_value(e, variable, v, body)) return;
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(e.id >> shift));
  ByteWriter w(specifiers);
  w.u16(pen ? type | kEnterpriseBit : type);
  w.u16(variable ? kVariableLength : e.length);
  if (pen) w.u32(pen);
  ++field_count;
}

// Encodes the record's fields into `body`, their ids into `key` and their
// field specifiers into `specifiers`. False if nothing could be encoded.
bool NetflowEncoder::Impl::build(const FlowRecord& r) {
  body.clear();
  key.clear();
  specifiers.clear();
  field_count = 0;
  for (const RecordField& f : r.fields) {
    if (f.id == 0 || f.id == kFirstSwitched || f.id == kLastSwitched) continue;
    if (std::holds_alternative<std::monostate>(f.value)) continue;
    const Element* e = netflow_element(f.id);
    if (!e) continue;
    bool seen = false;  // a second value of the same element would confuse collectors
    for (size_t i = 0; i < key.size() && !seen; i += 4)
      seen = read_u32(reinterpret_cast<const uint8_t*>(key.data() + i)) == f.id;
    if (!seen) add_field(*e, f.value);
  }
  // A record that only knows epoch seconds still gets millisecond times.
  uint64_t s = 0;
  if (!r.get(kStartMs) && as_unsigned(r.get(kFirstSwitched), s))
    add_field(*netflow_element(kStartMs), s * 1000);
  if (!r.get(kEndMs) && as_unsigned(r.get(kLastSwitched), s))
    add_field(*netflow_element(kEndMs), s * 1000);
  return field_count > 0;
}

Template* NetflowEncoder::Impl::find_template() {
  auto it = templates.find(key);
  if (it != templates.end()) return &it->second;
  if (next_template_id > 0xFFFF) return nullptr;  // every id in use
  Template t;
  t.id = static_cast<uint16_t>(next_template_id++);
  ByteWriter w(t.definition);
  w.u16(t.id);
  w.u16(field_count);
  w.bytes(specifiers.data(), specifiers.size());
  ++stats.templates;
  return &templates.emplace(key, std::move(t)).first->second;
}

void NetflowEncoder::Impl::begin(uint64_t now_ms) {
  if (last_refresh_ms == 0) last_refresh_ms = now_ms;
  bool due_by_count = o.template_every_packets && packets_since_refresh >= o.template_every_packets;
  bool due_by_time =
      o.template_every_s > 0 && now_ms >= last_refresh_ms + uint64_t(o.template_every_s * 1000);
  if (due_by_count || due_by_time) {
    ++round;
    packets_since_refresh = 0;
    last_refresh_ms = now_ms;
  }
  packet.assign(ipfix ? kIpfixHeaderSize : kV9HeaderSize, 0);
  open_set = -1;
  packet_records = packet_data_records = 0;
  pending_since = now_ms;
}

void NetflowEncoder::Impl::open(uint16_t set_id) {
  close_set();
  set_start = packet.size();
  ByteWriter w(packet);
  w.u16(set_id);
  w.u16(0);  // length, when closed
  open_set = set_id;
}

void NetflowEncoder::Impl::close_set() {
  if (open_set < 0) return;
  // NetFlow v9 sets end on a 4-byte boundary (RFC 3954 §5.3); IPFIX needs no
  // padding. Padding as long as a record would be read as one more record.
  size_t padding = (4 - (packet.size() - set_start) % 4) % 4;
  if (!ipfix && padding < set_record_bytes) ByteWriter(packet).zeros(padding);
  ByteWriter(packet).put_u16(set_start + 2, static_cast<uint16_t>(packet.size() - set_start));
  open_set = -1;
}

void NetflowEncoder::Impl::finish(uint64_t now_ms, std::vector<std::vector<uint8_t>>& out) {
  if (packet.empty()) return;
  close_set();
  ByteWriter w(packet);
  uint32_t secs = static_cast<uint32_t>(now_ms / 1000);
  if (ipfix) {
    w.put_u16(0, kVersionIpfix);
    w.put_u16(2, static_cast<uint16_t>(packet.size()));
    w.put_u32(4, secs);
    w.put_u32(8, ipfix_sequence);  // data records sent before this message
    w.put_u32(12, o.source_id);
    ipfix_sequence += packet_data_records;
  } else {
    w.put_u16(0, kVersion9);
    w.put_u16(2, static_cast<uint16_t>(packet_records));
    w.put_u32(4, static_cast<uint32_t>(now_ms - start_ms));
    w.put_u32(8, secs);
    w.put_u32(12, v9_sequence++);  // packets sent before this one
    w.put_u32(16, o.source_id);
  }
  out.push_back(std::move(packet));
  packet.clear();
  ++stats.packets;
  ++packets_since_refresh;
  pending_since = 0;
}

NetflowEncoder::NetflowEncoder(NetflowEncoderOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->o = options;
  impl_->ipfix = options.protocol == NetflowProtocol::kIpfix;
}

NetflowEncoder::~NetflowEncoder() = default;

void NetflowEncoder::add(const FlowRecord& record, uint64_t now_ms,
                         std::vector<std::vector<uint8_t>>& out) {
  Impl& m = *impl_;
  if (m.start_ms == 0) m.start_ms = now_ms;
  Template* t = m.build(record) ? m.find_template() : nullptr;
  size_t header = m.ipfix ? kIpfixHeaderSize : kV9HeaderSize;
  if (!t || header + 2 * kSetHeaderSize + t->definition.size() + m.body.size() > kMaxMessage) {
    ++m.stats.records_dropped;
    return;
  }
  // Room for the template (in case it is due), a set header, the record and padding.
  size_t need = kSetHeaderSize + t->definition.size() + kSetHeaderSize + m.body.size() + 3;
  if (!m.packet.empty() && m.packet.size() + need > m.o.max_packet_bytes) m.finish(now_ms, out);
  if (m.packet.empty()) m.begin(now_ms);

  if (t->announced_round != m.round) {
    uint16_t template_set = m.ipfix ? kIpfixTemplateSet : kV9TemplateSet;
    if (m.open_set != template_set) m.open(template_set);
    ByteWriter(m.packet).bytes(t->definition.data(), t->definition.size());
    m.set_record_bytes = t->definition.size();
    t->announced_round = m.round;
    ++m.packet_records;
    ++m.stats.template_records;
  }
  if (m.open_set != t->id) m.open(t->id);
  ByteWriter(m.packet).bytes(m.body.data(), m.body.size());
  m.set_record_bytes = m.body.size();
  ++m.packet_records;
  ++m.packet_data_records;
  ++m.stats.records;
  // A record too big for the usual packet size travels alone.
  if (m.packet.size() >= m.o.max_packet_bytes) m.finish(now_ms, out);
}

void NetflowEncoder::flush(uint64_t now_ms, std::vector<std::vector<uint8_t>>& out) {
  impl_->finish(now_ms, out);
}

uint64_t NetflowEncoder::pending_since_ms() const { return impl_->pending_since; }
const NetflowEncoderStats& NetflowEncoder::stats() const { return impl_->stats; }
const NetflowEncoderOptions& NetflowEncoder::options() const { return impl_->o; }

}  // namespace vedetta::wire
