#include "wire/netflow_values.h"

#include <arpa/inet.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "wire/netflow_format.h"

namespace vedetta::wire::netflow {
namespace {

constexpr uint32_t kL7Proto = ntop_element(118);
constexpr Element kL7ProtoOnTheWire{kL7Proto, "L7_PROTO", ElementKind::kUnsigned, 2};

// "91.126" → 126, "7" → 7: the protocol id NetFlow carries.
bool l7_proto_number(const FieldValue& v, uint64_t& out) {
  std::string text;
  if (!as_text(&v, text)) return false;
  size_t dot = text.rfind('.');
  FieldValue last = text.substr(dot == std::string::npos ? 0 : dot + 1);
  if (!as_unsigned(&last, out)) return false;
  if (out == 0 && dot != std::string::npos) {  // "7.0": no application, the master then
    FieldValue first = text.substr(0, dot);
    return as_unsigned(&first, out);
  }
  return true;
}

// Longest prefix of `s` of at most `max` bytes that does not end inside a
// UTF-8 sequence.
size_t utf8_cut(const std::string& s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t n = max;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

bool number_of(const FieldValue& v, uint64_t& out) {
  if (auto* d = std::get_if<double>(&v)) {
    if (!(*d >= 0)) return false;
    out = *d >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(std::llround(*d));
    return true;
  }
  return as_unsigned(&v, out);
}

void put_number(uint64_t v, size_t bytes, std::vector<uint8_t>& out) {
  // A value too big for its field says "at least this much" rather than wrapping.
  if (bytes < 8 && v >> (8 * bytes)) v = (uint64_t(1) << (8 * bytes)) - 1;
  ByteWriter(out).uint(v, bytes);
}

bool put_address(const std::string& text, int family, std::vector<uint8_t>& out) {
  uint8_t buf[16];
  if (inet_pton(family, text.c_str(), buf) != 1) return false;
  ByteWriter(out).bytes(buf, family == AF_INET ? 4 : 16);
  return true;
}

bool put_mac(const std::string& text, std::vector<uint8_t>& out) {
  unsigned b[6];
  char tail;
  if (text.size() != 17 || std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1],
                                       &b[2], &b[3], &b[4], &b[5], &tail) != 6)
    return false;
  for (unsigned x : b) out.push_back(static_cast<uint8_t>(x));
  return true;
}

void put_text(const std::string& s, const Element& e, bool variable, std::vector<uint8_t>& out) {
  ByteWriter w(out);
  if (variable) {
    size_t n = utf8_cut(s, kIpfixMaxText);
    if (n < 255) {
      w.u8(static_cast<uint8_t>(n));
    } else {
      w.u8(255);
      w.u16(static_cast<uint16_t>(n));
    }
    w.bytes(s.data(), n);
    return;
  }
  size_t n = utf8_cut(s, e.length);
  w.bytes(s.data(), n);
  w.zeros(e.length - n);
}

std::string hex_text(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kDigits[p[i] >> 4]);
    s.push_back(kDigits[p[i] & 15]);
  }
  return s;
}

}  // namespace

const Element* netflow_element(uint32_t id) {
  return id == kL7Proto ? &kL7ProtoOnTheWire : find_element(id);
}

std::string l7_proto_text(uint64_t master, uint64_t app) {
  if (master != 0 && master != app)
    return app != 0 ? std::to_string(master) + "." + std::to_string(app) : std::to_string(master);
  return std::to_string(app);
}

bool encode_value(const Element& e, bool variable, const FieldValue& v,
                  std::vector<uint8_t>& out) {
  uint64_t n = 0;
  std::string text;
  switch (e.kind) {
    case ElementKind::kUnsigned:
      if (!(e.id == kL7Proto ? l7_proto_number(v, n) : number_of(v, n))) return false;
      put_number(n, e.length, out);
      return true;
    case ElementKind::kReal: {
      // Milliseconds with decimals in a record, whole microseconds on the wire.
      double ms = 0;
      if (auto* d = std::get_if<double>(&v)) ms = *d;
      else if (as_unsigned(&v, n)) ms = static_cast<double>(n);
      else return false;
      if (!(ms >= 0)) return false;
      put_number(ms * 1000 >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(std::llround(ms * 1000)),
                 e.length, out);
      return true;
    }
    case ElementKind::kBool:
      if (!as_unsigned(&v, n)) return false;
      put_number(n ? 1 : 0, e.length, out);
      return true;
    case ElementKind::kIpv4:
      return as_text(&v, text) && put_address(text, AF_INET, out);
    case ElementKind::kIpv6:
      return as_text(&v, text) && put_address(text, AF_INET6, out);
    case ElementKind::kMac:
      return as_text(&v, text) && put_mac(text, out);
    case ElementKind::kText:
      if (!as_text(&v, text)) return false;
      put_text(text, e, variable, out);
      return true;
  }
  return false;
}

FieldValue decode_unknown(const uint8_t* p, size_t n, bool variable) {
  if (!variable && n >= 1 && n <= 8) return read_uint(p, n);
  bool printable = n > 0;
  for (size_t i = 0; i < n && printable; ++i) printable = p[i] >= 0x20 && p[i] < 0x7f;
  if (printable) return std::string(reinterpret_cast<const char*>(p), n);
  return hex_text(p, n);
}

FieldValue decode_value(const Element* e, const uint8_t* p, size_t n) {
  if (!e) return decode_unknown(p, n, false);
  ElementKind kind = e->kind;
  switch (kind) {
    case ElementKind::kUnsigned:
    case ElementKind::kBool:
      if (n >= 1 && n <= 8) {
        uint64_t v = read_uint(p, n);
        if (kind == ElementKind::kBool) return v != 0;
        return v;
      }
      break;
    case ElementKind::kReal:
      if (n >= 1 && n <= 8) return static_cast<double>(read_uint(p, n)) / 1000.0;
      break;
    case ElementKind::kIpv4:
    case ElementKind::kIpv6: {
      int family = kind == ElementKind::kIpv4 ? AF_INET : AF_INET6;
      if (n != (family == AF_INET ? 4u : 16u)) break;
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(family, p, buf, sizeof buf);
      return std::string(buf);
    }
    case ElementKind::kMac:
      if (n == 6) {
        char buf[18];
        std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3],
                      p[4], p[5]);
        return std::string(buf);
      }
      break;
    case ElementKind::kText: {
      size_t len = 0;
      while (len < n && p[len] != 0) ++len;
      return std::string(reinterpret_cast<const char*>(p), len);
    }
  }
  return hex_text(p, n);
}

}  // namespace vedetta::wire::netflow
