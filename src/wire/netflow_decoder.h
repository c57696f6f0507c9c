#pragma once
// NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) packets → flow
// records, for the collector.
//
// Templates are remembered per exporter address, version and source id
// (v9) / observation domain (IPFIX). Options templates are learnt only to
// step over (and count) their records, and for the exporter's start time
// (IPFIX systemInitTimeMilliseconds), which places uptime offsets on the epoch. Element ids follow wire/elements.h:
// IPFIX enterprise elements of ntop (PEN 35632, element n) become 57472 + n;
// other enterprises' elements are kept under a "PEN.element" name. Times
// reach the record as epoch values: v5/v9 sysUptime-relative
// FIRST/LAST_SWITCHED are placed on the epoch with the header's clock, and
// every record that has a start or end time carries it both as epoch
// seconds (FIRST/LAST_SWITCHED, 22/21) and as epoch milliseconds
// (FLOW_START/END_MILLISECONDS, 152/153).
//
// Every read is bounds-checked; damage stops the packet with an error
// naming what and where (records decoded before it are kept).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::wire {

// What one packet said about itself.
struct NetflowPacketInfo {
  uint16_t version = 0;      // 5, 9 or 10
  uint32_t source_id = 0;    // v9 source id, IPFIX domain, v5 engine type << 8 | engine id
  uint32_t sequence = 0;     // as sent (v5: flows, v9: packets, IPFIX: data records before it)
  uint32_t sequence_next = 0;  // what the next packet's sequence should be if none is lost
  bool sequence_known = true;  // false: records of unknown templates could not be counted
  uint32_t sys_uptime_ms = 0;  // v5/v9
  uint32_t export_secs = 0;
  uint32_t flows = 0;              // flow records decoded
  uint32_t templates = 0;          // template records learnt (options templates included)
  uint32_t unknown_template_sets = 0;  // data sets whose template has not been seen (yet)
};

struct NetflowDecoderLimits {
  size_t max_streams = 1024;              // (exporter, version, source id) template caches
  size_t max_templates_per_stream = 4096;
};

class NetflowDecoder {
 public:
  explicit NetflowDecoder(NetflowDecoderLimits limits = {});

  // Decodes one datagram from `exporter` ("10.0.0.1:2055"), appending its
  // flows to `out`. False with `error` set when the packet is damaged or of
  // an unknown version.
  bool decode(std::string_view exporter, const uint8_t* data, size_t size,
              std::vector<FlowRecord>& out, NetflowPacketInfo& info, std::string& error);

  size_t template_count() const;

  // One template as learnt from the wire.
  struct Field {
    uint16_t type = 0;       // enterprise bit cleared
    uint16_t length = 0;     // 65535: variable (IPFIX)
    uint32_t pen = 0;
  };
  struct Template {
    std::vector<Field> fields;
    size_t min_record_length = 0;  // variable-length fields counted as 1 byte
    bool options = false;          // records are skipped, not flows
  };

 private:
  using StreamKey = std::string;  // exporter, version, source id
  struct Stream {
    std::map<uint16_t, Template> templates;
    // IPFIX: systemInitTimeMilliseconds from an options record (0 = not
    // seen), where flowStart/EndSysUpTime offsets count from.
    uint64_t system_init_ms = 0;
  };

  bool decode_v5(const uint8_t* data, size_t size, std::vector<FlowRecord>& out,
                 NetflowPacketInfo& info, std::string& error);
  bool decode_sets(Stream& stream, const uint8_t* data, size_t size, size_t offset,
                   std::vector<FlowRecord>& out, NetflowPacketInfo& info, std::string& error);
  bool learn_templates(Stream& stream, uint16_t set_id, const uint8_t* p, size_t n, size_t at,
                       NetflowPacketInfo& info, std::string& error);
  bool decode_data(Stream& stream, const Template& t, const uint8_t* p, size_t n, size_t at,
                   std::vector<FlowRecord>& out, uint32_t& records, std::string& error);
  Stream* stream(const StreamKey& key);

  NetflowDecoderLimits limits_;
  std::map<StreamKey, Stream> streams_;
  bool ipfix_ = false;  // the packet being decoded
};

}  // namespace vedetta::wire
