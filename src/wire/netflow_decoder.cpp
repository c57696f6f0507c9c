#include "wire/netflow_decoder.h"

#include <algorithm>

#include "common/user_error.h"
#include "wire/elements.h"
#include "wire/netflow_format.h"
#include "wire/netflow_values.h"

namespace vedetta::wire {

using namespace netflow;

namespace {

constexpr uint32_t kLastSwitched = 21, kFirstSwitched = 22;
constexpr uint32_t kStartSeconds = 150, kEndSeconds = 151, kStartMs = 152, kEndMs = 153;
constexpr uint32_t kStartUs = 154, kEndUs = 155, kSystemInitMs = 160;
constexpr uint32_t kL7Proto = ntop_element(118);
constexpr uint32_t kL7Master = kOwnBase + 8, kL7App = kOwnBase + 9;  // vedetta's own

void remove_field(FlowRecord& r, uint32_t id) {
  std::erase_if(r.fields, [id](const RecordField& f) { return f.id == id; });
}

void set_field(FlowRecord& r, uint32_t id, FieldValue v) {
  remove_field(r, id);
  r.add(id, std::move(v));
}

// Where a record's clock stands: relative times (sysUptime offsets) are
// placed on the epoch through it.
struct Clock {
  bool uptime_relative = false;  // v5/v9: FIRST/LAST_SWITCHED are sysUptime ms
  uint32_t uptime_ms = 0;        // at export
  uint64_t export_ms = 0;        // epoch ms at export
  uint64_t system_init_ms = 0;   // IPFIX: exporter start, from an options record (0 = unknown)
};

// One end of a flow (start or end) as epoch ms, from whichever element the
// exporter used. False if the record has none.
bool epoch_ms_of(const FlowRecord& r, const Clock& c, bool start, uint64_t& ms) {
  uint64_t v = 0;
  if (as_unsigned(r.get(start ? kStartMs : kEndMs), v)) return ms = v, true;
  if (as_unsigned(r.get(start ? kStartUs : kEndUs), v)) return ms = v / 1000, true;
  if (as_unsigned(r.get(start ? kStartSeconds : kEndSeconds), v)) return ms = v * 1000, true;
  if (!as_unsigned(r.get(start ? kFirstSwitched : kLastSwitched), v)) return false;
  if (c.uptime_relative) {
    // Modulo 2^32, so that an uptime that wrapped (49 days) still works.
    uint32_t age = c.uptime_ms - static_cast<uint32_t>(v);
    return ms = c.export_ms - std::min<uint64_t>(age, c.export_ms), true;
  }
  uint64_t init = c.system_init_ms;  // IPFIX: offsets from systemInitTimeMilliseconds
  as_unsigned(r.get(kSystemInitMs), init);
  if (init) return ms = init + v, true;
  return false;
}

// L7_PROTO arrives as a number; ntop's JSON has it as "master.app" text,
// which vedetta's own master/application elements allow to rebuild.
void l7_proto_as_text(FlowRecord& r) {
  const FieldValue* v = r.get(kL7Proto);
  uint64_t id = 0, master = 0, app = 0;
  if (!v || !as_unsigned(v, id)) return;
  if (as_unsigned(r.get(kL7Master), master) && as_unsigned(r.get(kL7App), app))
    set_field(r, kL7Proto, l7_proto_text(master, app));
  else
    set_field(r, kL7Proto, std::to_string(id));
}

// Every start/end time as epoch seconds (22/21) and epoch ms (152/153).
void place_times(FlowRecord& r, const Clock& c) {
  for (bool start : {true, false}) {
    uint32_t switched = start ? kFirstSwitched : kLastSwitched;
    uint64_t ms = 0;
    if (epoch_ms_of(r, c, start, ms)) {
      set_field(r, switched, ms / 1000);
      if (!r.get(start ? kStartMs : kEndMs)) r.add(start ? kStartMs : kEndMs, ms);
    } else if (const FieldValue* v = r.get(switched)) {
      // An IPFIX uptime offset with no init time: not an epoch time, keep it aside.
      FieldValue kept = *v;
      remove_field(r, switched);
      r.add_unknown(start ? "flowStartSysUpTime" : "flowEndSysUpTime", std::move(kept));
    }
  }
}

std::string at_offset(size_t offset) { return "at offset " + std::to_string(offset); }

}  // namespace

NetflowDecoder::NetflowDecoder(NetflowDecoderLimits limits) : limits_(limits) {}

size_t NetflowDecoder::template_count() const {
  size_t n = 0;
  for (const auto& [key, s] : streams_) n += s.templates.size();
  return n;
}

NetflowDecoder::Stream* NetflowDecoder::stream(const StreamKey& key) {
  auto it = streams_.find(key);
  if (it != streams_.end()) return &it->second;
  if (streams_.size() >= limits_.max_streams) return nullptr;
  return &streams_[key];
}

bool NetflowDecoder::decode(std::string_view exporter, const uint8_t* data, size_t size,
                            std::vector<FlowRecord>& out, NetflowPacketInfo& info,
                            std::string& error) {
  info = NetflowPacketInfo{};
  if (size < 2) {
    error = format("datagram of %zu bytes: too short for a NetFlow/IPFIX header", size);
    return false;
  }
  info.version = read_u16(data);
  size_t header = 0, end = size;
  Clock clock;
  if (info.version == kVersion5) {
    return decode_v5(data, size, out, info, error);
  } else if (info.version == kVersion9) {
    header = kV9HeaderSize;
    if (size < header) {
      error = format("NetFlow v9 packet of %zu bytes: shorter than its 20-byte header", size);
      return false;
    }
    info.sys_uptime_ms = read_u32(data + 4);
    info.export_secs = read_u32(data + 8);
    info.sequence = read_u32(data + 12);
    info.source_id = read_u32(data + 16);
    info.sequence_next = info.sequence + 1;
  } else if (info.version == kVersionIpfix) {
    header = kIpfixHeaderSize;
    if (size < header) {
      error = format("IPFIX message of %zu bytes: shorter than its 16-byte header", size);
      return false;
    }
    size_t length = read_u16(data + 2);
    if (length < header || length > size) {
      error = format("IPFIX message: header length %zu but the datagram has %zu bytes", length,
                     size);
      return false;
    }
    end = length;
    info.export_secs = read_u32(data + 4);
    info.sequence = read_u32(data + 8);
    info.source_id = read_u32(data + 12);
  } else {
    error = format("unknown NetFlow version %u (expected 5, 9 or 10 = IPFIX)", info.version);
    return false;
  }
  ipfix_ = info.version == kVersionIpfix;
  StreamKey key = std::string(exporter) + "/" + std::to_string(info.version) + "/" +
                  std::to_string(info.source_id);
  Stream* stream = this->stream(key);
  if (!stream) {
    error = format("more than %zu exporters/source ids: templates of a new one are not kept",
                   limits_.max_streams);
    return false;
  }
  size_t first = out.size();
  bool ok = decode_sets(*stream, data, end, header, out, info, error);
  clock.uptime_relative = !ipfix_;
  clock.uptime_ms = info.sys_uptime_ms;
  clock.export_ms = uint64_t(info.export_secs) * 1000;
  clock.system_init_ms = stream->system_init_ms;
  for (size_t i = first; i < out.size(); ++i) {
    place_times(out[i], clock);
    l7_proto_as_text(out[i]);
  }
  info.flows = static_cast<uint32_t>(out.size() - first);
  return ok;
}

bool NetflowDecoder::decode_v5(const uint8_t* data, size_t size, std::vector<FlowRecord>& out,
                               NetflowPacketInfo& info, std::string& error) {
  if (size < kV5HeaderSize) {
    error = format("NetFlow v5 packet of %zu bytes: shorter than its 24-byte header", size);
    return false;
  }
  size_t count = read_u16(data + 2);
  if (size < kV5HeaderSize + count * kV5RecordSize) {
    error = format("NetFlow v5 packet of %zu bytes: too short for the %zu records its header "
                   "announces (%zu bytes needed)",
                   size, count, kV5HeaderSize + count * kV5RecordSize);
    return false;
  }
  info.sys_uptime_ms = read_u32(data + 4);
  info.export_secs = read_u32(data + 8);
  uint32_t nsecs = read_u32(data + 12);
  info.sequence = read_u32(data + 16);
  info.source_id = uint32_t(data[20]) << 8 | data[21];
  info.sequence_next = info.sequence + static_cast<uint32_t>(count);
  Clock clock{true, info.sys_uptime_ms, uint64_t(info.export_secs) * 1000 + nsecs / 1'000'000};
  const Element* ipv4 = find_element(8);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* p = data + kV5HeaderSize + i * kV5RecordSize;
    FlowRecord r;
    r.add(8, decode_value(ipv4, p, 4));
    r.add(12, decode_value(ipv4, p + 4, 4));
    r.add(15, decode_value(ipv4, p + 8, 4));
    r.add(10, uint64_t(read_u16(p + 12)));
    r.add(14, uint64_t(read_u16(p + 14)));
    r.add(2, uint64_t(read_u32(p + 16)));
    r.add(1, uint64_t(read_u32(p + 20)));
    r.add(22, uint64_t(read_u32(p + 24)));
    r.add(21, uint64_t(read_u32(p + 28)));
    r.add(7, uint64_t(read_u16(p + 32)));
    r.add(11, uint64_t(read_u16(p + 34)));
    r.add(6, uint64_t(p[37]));
    r.add(4, uint64_t(p[38]));
    r.add(5, uint64_t(p[39]));
    r.add(16, uint64_t(read_u16(p + 40)));
    r.add(17, uint64_t(read_u16(p + 42)));
    r.add(9, uint64_t(p[44]));
    r.add(13, uint64_t(p[45]));
    r.add(60, uint64_t(4));
    place_times(r, clock);
    out.push_back(std::move(r));
  }
  info.flows = static_cast<uint32_t>(count);
  return true;
}

bool NetflowDecoder::decode_sets(Stream& stream, const uint8_t* data, size_t end, size_t offset,
                                 std::vector<FlowRecord>& out, NetflowPacketInfo& info,
                                 std::string& error) {
  uint32_t data_records = 0;  // IPFIX sequence numbers count them
  const char* what = ipfix_ ? "set" : "flowset";
  while (end - offset >= kSetHeaderSize) {
    uint16_t set_id = read_u16(data + offset);
    size_t length = read_u16(data + offset + 2);
    if (length < kSetHeaderSize) {
      error = format("%s %u %s: length %zu is shorter than its 4-byte header", what, set_id,
                     at_offset(offset).c_str(), length);
      return false;
    }
    if (length > end - offset) {
      error = format("%s %u %s: length %zu runs past the end of the packet (%zu bytes left)", what,
                     set_id, at_offset(offset).c_str(), length, end - offset);
      return false;
    }
    const uint8_t* body = data + offset + kSetHeaderSize;
    size_t n = length - kSetHeaderSize;
    size_t body_at = offset + kSetHeaderSize;
    bool template_set = ipfix_ ? set_id == kIpfixTemplateSet || set_id == kIpfixOptionsTemplateSet
                               : set_id == kV9TemplateSet || set_id == kV9OptionsTemplateSet;
    if (template_set) {
      if (!learn_templates(stream, set_id, body, n, body_at, info, error)) return false;
    } else if (set_id >= kFirstDataSet) {
      auto it = stream.templates.find(set_id);
      if (it == stream.templates.end()) {
        ++info.unknown_template_sets;
        info.sequence_known = false;
      } else if (!decode_data(stream, it->second, body, n, body_at, out, data_records, error)) {
        return false;
      }
    }  // other ids are reserved: stepped over
    offset += length;
  }
  if (ipfix_) info.sequence_next = info.sequence + data_records;
  return true;
}

bool NetflowDecoder::learn_templates(Stream& stream, uint16_t set_id, const uint8_t* p, size_t n,
                                     size_t at, NetflowPacketInfo& info, std::string& error) {
  bool options = set_id == kV9OptionsTemplateSet || set_id == kIpfixOptionsTemplateSet;
  size_t i = 0;
  while (n - i >= 4) {
    size_t record_at = at + i;
    uint16_t id = read_u16(p + i);
    size_t count = read_u16(p + i + 2);
    if (!ipfix_ && id == 0) break;  // padding at the end of a v9 set
    if (ipfix_ && count == 0) {     // template withdrawal (RFC 7011 §8.1)
      stream.templates.erase(id);
      i += 4;
      continue;
    }
    // Options templates have a third 16-bit word: v9 (id, scope bytes,
    // option bytes), IPFIX (id, field count, scope field count).
    size_t head = options ? 6 : 4;
    if (n - i < head) {
      error = format("options template %u %s: header runs past the end of its set", id,
                     at_offset(record_at).c_str());
      return false;
    }
    if (options && !ipfix_) {
      size_t scope_bytes = count, option_bytes = read_u16(p + i + 4);
      if (scope_bytes % 4 || option_bytes % 4) {
        error = format("options template %u %s: scope/option lengths %zu/%zu are not multiples "
                       "of 4",
                       id, at_offset(record_at).c_str(), scope_bytes, option_bytes);
        return false;
      }
      count = (scope_bytes + option_bytes) / 4;
    }
    i += head;
    if (id < kFirstDataSet) {
      error = format("template %s: id %u is below 256", at_offset(record_at).c_str(), id);
      return false;
    }
    Template t;
    t.options = options;
    for (size_t f = 0; f < count; ++f) {
      if (n - i < 4) {
        error = format("template %u %s: field %zu of %zu runs past the end of its set", id,
                       at_offset(record_at).c_str(), f + 1, count);
        return false;
      }
      Field field{read_u16(p + i), read_u16(p + i + 2), 0};
      i += 4;
      if (ipfix_ && (field.type & kEnterpriseBit)) {
        if (n - i < 4) {
          error = format("template %u %s: the enterprise number of field %zu runs past the end "
                         "of its set",
                         id, at_offset(record_at).c_str(), f + 1);
          return false;
        }
        field.type &= ~kEnterpriseBit;
        field.pen = read_u32(p + i);
        i += 4;
      }
      bool variable = ipfix_ && field.length == kVariableLength;
      t.min_record_length += variable ? 1 : field.length;
      t.fields.push_back(field);
    }
    if (t.min_record_length == 0) {
      error = format("template %u %s: its records would have no bytes (%zu fields, all of "
                     "length 0)",
                     id, at_offset(record_at).c_str(), count);
      return false;
    }
    if (!stream.templates.count(id) &&
        stream.templates.size() >= limits_.max_templates_per_stream) {
      error = format("template %u %s: more than %zu templates from one source", id,
                     at_offset(record_at).c_str(), limits_.max_templates_per_stream);
      return false;
    }
    stream.templates[id] = std::move(t);
    ++info.templates;
  }
  return true;
}

bool NetflowDecoder::decode_data(Stream& stream, const Template& t, const uint8_t* p, size_t n,
                                 size_t at, std::vector<FlowRecord>& out, uint32_t& records,
                                 std::string& error) {
  size_t i = 0;
  // What is left once no record fits is padding.
  while (n - i >= t.min_record_length) {
    size_t record_at = at + i;
    FlowRecord r;
    for (const Field& f : t.fields) {
      size_t len = f.length;
      if (ipfix_ && f.length == kVariableLength) {  // RFC 7011 §7: 1 or 3 length bytes
        len = i < n ? p[i] : 0;
        size_t prefix = 1;
        if (len == 255) {
          len = n - i >= 3 ? read_u16(p + i + 1) : 0;
          prefix = 3;
        }
        if (n - i < prefix) {
          error = format("data record %s: the length of field %u runs past the end of its set",
                         at_offset(record_at).c_str(), f.type);
          return false;
        }
        i += prefix;
      }
      if (n - i < len) {
        error = format("data record %s: field %u (%zu bytes) runs past the end of its set",
                       at_offset(record_at).c_str(), f.type, len);
        return false;
      }
      if (t.options && f.pen == 0 && f.type == kSystemInitMs && len >= 1 && len <= 8)
        stream.system_init_ms = read_uint(p + i, len);
      if (!t.options && len > 0) {
        uint32_t id = f.pen == 0 ? f.type : f.pen == kNtopPen ? ntop_element(f.type) : 0;
        const Element* e = id ? netflow_element(id) : nullptr;
        FieldValue v = e ? decode_value(e, p + i, len)
                         : decode_unknown(p + i, len, ipfix_ && f.length == kVariableLength);
        if (id) r.add(id, std::move(v));
        else r.add_unknown(std::to_string(f.pen) + "." + std::to_string(f.type), std::move(v));
      }
      i += len;
    }
    ++records;
    if (!t.options) out.push_back(std::move(r));
  }
  return true;
}

}  // namespace vedetta::wire
