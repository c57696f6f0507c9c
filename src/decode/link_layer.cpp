// Link layers: which DLT carries what, and where the network header starts.
#include <pcap/dlt.h>

#include <cstring>

#include "decode/layers.h"

namespace vedetta::layers {
namespace {

constexpr uint32_t kEthernetHeader = 14;

bool fail(AnomalyCounters& an, Anomaly a) {
  an.add(a);
  return false;
}

// PPP protocol numbers for IP; anything else is not for us.
bool ppp_protocol_to_ethertype(uint16_t proto, uint16_t& ethertype) {
  if (proto == 0x0021) ethertype = kEtherIpv4;
  else if (proto == 0x0057) ethertype = kEtherIpv6;
  else return false;
  return true;
}

bool decode_ethernet(const uint8_t* f, uint32_t caplen, uint32_t off, DecodedPacket& pkt,
                     AnomalyCounters& an, Next& next) {
  if (caplen < off + kEthernetHeader) return fail(an, Anomaly::kTruncatedLinkHeader);
  if (!pkt.has_mac) {  // keep the outermost MACs (the ones of this wire)
    std::memcpy(pkt.dst_mac, f + off, 6);
    std::memcpy(pkt.src_mac, f + off + 6, 6);
    pkt.has_mac = true;
  }
  uint16_t type = be16(f + off + 12);
  next.offset = off + kEthernetHeader;
  if (type >= 1536) {
    next.ethertype = type;
    return true;
  }
  // 802.3 length field: only LLC/SNAP can carry IP.
  if (caplen < next.offset + 8) return fail(an, Anomaly::kNonIpPacket);
  const uint8_t* llc = f + next.offset;
  if (llc[0] == 0xaa && llc[1] == 0xaa) {
    next.ethertype = be16(llc + 6);
    next.offset += 8;
    return true;
  }
  return fail(an, Anomaly::kNonIpPacket);  // STP, IPX, ...
}

// Raw IP links: the version nibble says which IP.
bool ip_by_version(const uint8_t* f, uint32_t caplen, uint32_t off, AnomalyCounters& an,
                   Next& next) {
  if (caplen <= off) return fail(an, Anomaly::kTruncatedLinkHeader);
  uint8_t v = f[off] >> 4;
  if (v == 4) next.ethertype = kEtherIpv4;
  else if (v == 6) next.ethertype = kEtherIpv6;
  else return fail(an, Anomaly::kBadIpVersion);
  next.offset = off;
  return true;
}

}  // namespace

bool decode_link(int datalink, const uint8_t* f, uint32_t caplen, uint32_t off,
                 DecodedPacket& pkt, AnomalyCounters& an, Next& next) {
  switch (datalink) {
    case DLT_EN10MB:
      return decode_ethernet(f, caplen, off, pkt, an, next);

    case DLT_NULL:    // 4-byte address family in the capturing host's order
    case DLT_LOOP: {  // the same in network order (OpenBSD)
      if (caplen < off + 4) return fail(an, Anomaly::kTruncatedLinkHeader);
      uint32_t family;
      std::memcpy(&family, f + off, 4);
      if (datalink == DLT_LOOP) family = be32(f + off);
      // A capture from a host of the other byte order stores it swapped.
      if (family > 0xffff) family = __builtin_bswap32(family);
      if (family == 2) next.ethertype = kEtherIpv4;
      else if (family == 10 || family == 24 || family == 28 || family == 30)
        next.ethertype = kEtherIpv6;
      else return fail(an, Anomaly::kNonIpPacket);
      next.offset = off + 4;
      return true;
    }

    case DLT_LINUX_SLL: {  // cooked v1: 16 bytes, protocol at 14
      if (caplen < off + 16) return fail(an, Anomaly::kTruncatedLinkHeader);
      next.ethertype = be16(f + off + 14);
      next.offset = off + 16;
      return true;
    }

    case DLT_LINUX_SLL2: {  // cooked v2: 20 bytes, protocol first, then the interface index
      if (caplen < off + 20) return fail(an, Anomaly::kTruncatedLinkHeader);
      next.ethertype = be16(f + off);
      if (!pkt.ifindex) pkt.ifindex = be32(f + off + 4);
      next.offset = off + 20;
      return true;
    }

    case DLT_PPP:
    case DLT_PPP_SERIAL:
    case DLT_C_HDLC: {
      if (caplen < off + 4) return fail(an, Anomaly::kTruncatedLinkHeader);
      const uint8_t* p = f + off;
      if (p[0] == 0x0f || p[0] == 0x8f) {  // Cisco HDLC: addr, ctrl, EtherType
        next.ethertype = be16(p + 2);
        next.offset = off + 4;
        return true;
      }
      uint32_t skip = (p[0] == 0xff && p[1] == 0x03) ? 2 : 0;  // address/control
      uint16_t proto = p[skip];
      uint32_t proto_len = 1;
      if ((proto & 1) == 0) {  // not compressed (PFC): two bytes
        proto = be16(p + skip);
        proto_len = 2;
      }
      if (!ppp_protocol_to_ethertype(proto, next.ethertype))
        return fail(an, Anomaly::kNonIpPacket);
      next.offset = off + skip + proto_len;
      return true;
    }

    case DLT_RAW:
    case 101:  // LINKTYPE_RAW as stored in files
#ifdef DLT_IPV4
    case DLT_IPV4:
    case DLT_IPV6:
#endif
      return ip_by_version(f, caplen, off, an, next);

    default:
      return fail(an, Anomaly::kUnsupportedLinkType);
  }
}

bool strip_shims(const uint8_t* f, uint32_t caplen, DecodedPacket& pkt, AnomalyCounters& an,
                 Next& next) {
  for (int i = 0; i < 16; ++i) {
    switch (next.ethertype) {
      case kEtherVlan:
      case kEtherQinQ:
      case kEtherQinQOld: {
        if (caplen < next.offset + 4) return fail(an, Anomaly::kTruncatedVlanTag);
        uint16_t id = be16(f + next.offset) & 0x0fff;
        if (pkt.vlan_id != 0 && pkt.outer_vlan_id == 0) pkt.outer_vlan_id = pkt.vlan_id;
        pkt.vlan_id = id;  // the innermost tag names the flow, as ndpiReader does
        next.ethertype = be16(f + next.offset + 2);
        next.offset += 4;
        break;
      }
      case kEtherMplsUni:
      case kEtherMplsMulti: {
        bool bottom = false;
        while (!bottom) {
          if (caplen < next.offset + 4) return fail(an, Anomaly::kTruncatedLinkHeader);
          bottom = f[next.offset + 2] & 0x01;
          next.offset += 4;
        }
        if (caplen <= next.offset) return fail(an, Anomaly::kTruncatedLinkHeader);
        uint8_t v = f[next.offset] >> 4;
        if (v == 4) next.ethertype = kEtherIpv4;
        else if (v == 6) next.ethertype = kEtherIpv6;
        else return fail(an, Anomaly::kNonIpPacket);  // Ethernet over MPLS etc.
        break;
      }
      case kEtherPppoeSession: {
        if (caplen < next.offset + 8) return fail(an, Anomaly::kTruncatedLinkHeader);
        uint16_t proto = be16(f + next.offset + 6);
        next.offset += 8;
        if (!ppp_protocol_to_ethertype(proto, next.ethertype))
          return fail(an, Anomaly::kNonIpPacket);
        break;
      }
      default:
        return true;
    }
  }
  return fail(an, Anomaly::kTooManyEncapsulations);
}

}  // namespace vedetta::layers
