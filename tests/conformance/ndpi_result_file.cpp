#include "ndpi_result_file.h"

#include <fstream>
#include <regex>

namespace vedetta::conformance {
namespace {

uint8_t proto_number(const std::string& name) {
  if (name == "TCP") return 6;
  if (name == "UDP") return 17;
  if (name == "ICMP") return 1;
  if (name == "ICMPV6") return 58;
  if (name == "IGMP") return 2;
  if (name == "VRRP") return 112;
  return static_cast<uint8_t>(std::stoi(name));
}

void split_endpoint(const std::string& text, std::string& addr, uint16_t& port) {
  size_t colon = text.rfind(':');
  addr = text.substr(0, colon);
  if (!addr.empty() && addr.front() == '[') addr = addr.substr(1, addr.size() - 2);
  port = static_cast<uint16_t>(std::stoul(text.substr(colon + 1)));
}

}  // namespace

bool read_result_file(const std::string& path, std::vector<ExpectedFlow>& flows,
                      std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  static const std::regex head(R"(^\t\d+\t(\S+) (\S+) (<->|->) (\S+) (\[VLAN: (\d+)\])?\[proto: (?:(\w+):)?([0-9.]+)/([^\]]*)\])");
  static const std::regex counters(R"(\[(\d+) pkts/(\d+) bytes (?:<->|->) (\d+) pkts/(\d+) bytes\])");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (!std::regex_search(line, m, head)) continue;
    ExpectedFlow f;
    f.line = n;
    f.l4_proto = proto_number(m[1]);
    split_endpoint(m[2], f.src_addr, f.src_port);
    split_endpoint(m[4], f.dst_addr, f.dst_port);
    if (m[6].matched) f.vlan = static_cast<uint16_t>(std::stoul(m[6]));
    f.tunnel = m[7];
    f.proto_id = m[8];
    f.proto_name = m[9];
    std::smatch c;
    std::string rest = m.suffix();
    if (!std::regex_search(rest, c, counters)) {
      error = path + ":" + std::to_string(n) + ": flow line without packet counters";
      return false;
    }
    f.src_packets = std::stoull(c[1]);
    f.src_bytes = std::stoull(c[2]);
    f.dst_packets = std::stoull(c[3]);
    f.dst_bytes = std::stoull(c[4]);
    // The host name ends at the next "][" (names may hold ']' rarely).
    size_t h = rest.find("[Hostname/SNI: ");
    if (h != std::string::npos) {
      size_t start = h + 15;
      size_t end = rest.find("][", start);
      if (end == std::string::npos) end = rest.rfind(']');
      f.has_host = true;
      f.host = rest.substr(start, end - start);
    }
    flows.push_back(f);
  }
  return true;
}

}  // namespace vedetta::conformance
