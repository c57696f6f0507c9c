#include "flow/flow_key.h"

#include <cstring>

namespace vedetta {

FlowKey FlowKey::of(const DecodedPacket& p, bool& sender_is_lo) {
  FlowKey k;
  Endpoint s{p.src, p.src_port}, d{p.dst, p.dst_port};
  sender_is_lo = !(d < s);
  k.lo = sender_is_lo ? s : d;
  k.hi = sender_is_lo ? d : s;
  k.vlan = p.vlan_id;
  k.l4_proto = p.l4_proto;
  return k;
}

namespace {
inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL;
}
inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
}  // namespace

uint64_t FlowKey::hash() const {
  uint64_t h = uint64_t(vlan) << 8 | l4_proto;
  h = mix(h, load64(lo.addr.bytes.data()));
  h = mix(h, load64(hi.addr.bytes.data()));
  if (lo.addr.version == 6 || hi.addr.version == 6) {
    h = mix(h, load64(lo.addr.bytes.data() + 8));
    h = mix(h, load64(hi.addr.bytes.data() + 8));
  }
  h = mix(h, uint64_t(lo.port) << 16 | hi.port);
  return h ^ (h >> 29);
}

}  // namespace vedetta
