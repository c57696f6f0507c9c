// NetFlow/IPFIX collector input: -i URL parsing, and a real loopback socket
// fed by the encoder (sequence gaps, restarts, bad datagrams, data before
// its template, ipfix:// refusing NetFlow v9).
#include "collect/netflow_input.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/user_error.h"
#include "wire/netflow_encoder.h"

namespace vedetta::collect {
namespace {

using Packets = std::vector<std::vector<uint8_t>>;

TEST(NetflowUrl, DefaultsAndForms) {
  NetflowListenAddress a = parse_netflow_url("netflow://:2055");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, "2055");
  EXPECT_FALSE(a.ipfix_only);
  a = parse_netflow_url("ipfix://");
  EXPECT_TRUE(a.ipfix_only);
  EXPECT_EQ(a.port, "4739");
  a = parse_netflow_url("netflow://0.0.0.0:9995");
  EXPECT_EQ(a.host, "0.0.0.0");
  a = parse_netflow_url("ipfix://[::1]:4740");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, "4740");
  EXPECT_TRUE(is_netflow_url("netflow://x"));
  EXPECT_FALSE(is_netflow_url("tcp://h:5556"));
}

TEST(NetflowUrl, ClearErrors) {
  struct Case {
    const char* url;
    const char* says;
  } cases[] = {
      {"tcp://h:5556", "not a netflow:// or ipfix:// URL"},
      {"netflow://2055", "expected netflow://[ADDRESS]:PORT"},
      {"netflow://::1:2055", "expected netflow://[ADDRESS]:PORT"},
      {"ipfix://[::1:4739", "expected ipfix://[ADDRESS]:PORT"},
      {"netflow://:99999", "port '99999' is not a number from 0 to 65535"},
      {"netflow://:http", "port 'http'"},
      {"netflow://no-such-host.invalid:2055", "cannot resolve 'no-such-host.invalid'"},
      {"netflow://192.0.2.77:2055", "cannot listen on UDP 192.0.2.77:2055"},  // not ours
  };
  for (const Case& c : cases) {
    try {
      open_netflow_input(c.url);
      ADD_FAILURE() << c.url << " was accepted";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << c.url << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(c.url), std::string::npos) << "names the -i value";
    }
  }
}

class Collected : public RecordHandler {
 public:
  void flow(const FlowOrigin& origin, wire::FlowRecord&& r) override {
    origins.push_back(origin);
    records.push_back(std::move(r));
  }
  std::vector<FlowOrigin> origins;
  std::vector<wire::FlowRecord> records;
};

class Loopback : public ::testing::Test {
 protected:
  void open(const char* url) {
    input = std::make_unique<NetflowInput>(url);
    // Sent from IPv4 127.0.0.1, to the port the input got (any family it listens on).
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = input->local_address().family() == AF_INET6
                      ? reinterpret_cast<const sockaddr_in6*>(input->local_address().get())->sin6_port
                      : reinterpret_cast<const sockaddr_in*>(input->local_address().get())->sin_port;
    sender = socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_EQ(connect(sender, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  }
  void TearDown() override {
    if (sender >= 0) close(sender);
  }
  void send_bytes(const std::vector<uint8_t>& p) {
    ASSERT_EQ(send(sender, p.data(), p.size(), 0), ssize_t(p.size()));
  }
  void drain() {
    std::vector<zmq_pollitem_t> items;
    input->poll_items(items);
    ASSERT_EQ(items.size(), 1u);
    while (zmq_poll(items.data(), 1, 200) > 0) input->read_ready(handler);
  }
  static Packets export_flows(wire::NetflowProtocol protocol, int n) {
    wire::NetflowEncoder enc({protocol, 5, 1400, 20, 30});
    Packets packets;
    for (int i = 0; i < n; ++i) {
      wire::FlowRecord r;
      r.add(148, uint64_t(i));
      r.add(8, std::string("10.0.0.1"));
      r.add(ntop_element_name_pad(), std::string(100, 'p'));  // ~120 bytes a record
      enc.add(r, 1'700'000'000'000 + i, packets);
      enc.flush(1'700'000'000'000 + i, packets);  // one packet per flow
    }
    return packets;
  }
  static uint32_t ntop_element_name_pad() { return wire::ntop_element(556); }  // SRC_PROC_CMDLINE

  std::unique_ptr<NetflowInput> input;
  int sender = -1;
  Collected handler;
};

TEST_F(Loopback, SequenceGapsRestartsAndBadDatagrams) {
  open("netflow://127.0.0.1:0");
  Packets packets = export_flows(wire::NetflowProtocol::kV9, 6);
  for (size_t i = 0; i < packets.size(); ++i)
    if (i != 3) send_bytes(packets[i]);  // packet 3 lost
  drain();
  EXPECT_EQ(handler.records.size(), 5u);
  EXPECT_EQ(handler.origins[0].source_id, 5u);
  EXPECT_EQ(handler.origins[0].source.rfind("127.0.0.1:", 0), 0u) << handler.origins[0].source;
  InputStats s = input->stats();
  EXPECT_EQ(s.messages, 5u);
  EXPECT_EQ(s.flows, 5u);
  EXPECT_EQ(s.lost_messages, 1u);
  EXPECT_EQ(s.source_restarts, 0u);

  // The exporter restarts: sequence and uptime start again.
  send_bytes(packets[0]);
  send_bytes(packets[1]);
  send_bytes({0x00, 0x09, 0x00});  // garbage
  drain();
  s = input->stats();
  EXPECT_EQ(s.source_restarts, 1u);
  EXPECT_EQ(s.lost_messages, 1u);
  EXPECT_EQ(s.bad_messages, 1u);
  EXPECT_EQ(s.kernel_drops, 0u);
  std::vector<std::string> lines = input->source_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("receive buffer"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("1 packets lost"), std::string::npos) << lines[1];
}

TEST_F(Loopback, IpfixGapsAreCountedInRecordsAndUnknownTemplates) {
  open("ipfix://127.0.0.1:0");
  Packets packets = export_flows(wire::NetflowProtocol::kIpfix, 30);  // template in packet 0 and 20
  for (size_t i = 1; i < packets.size(); ++i)  // packet 0, with the template, lost
    if (i != 25) send_bytes(packets[i]);
  drain();
  InputStats s = input->stats();
  EXPECT_EQ(s.unknown_templates, 19u);  // packets 1..19
  EXPECT_EQ(handler.records.size(), 9u);  // 20..29 but 25
  EXPECT_EQ(s.lost_messages, 1u);  // record 25 (gaps before the template are unknown)
  EXPECT_EQ(s.bad_messages, 0u);

  Packets v9 = export_flows(wire::NetflowProtocol::kV9, 1);
  send_bytes(v9[0]);
  drain();
  EXPECT_EQ(input->stats().bad_messages, 1u) << "ipfix:// takes IPFIX only";
}

// Datagrams the kernel drops (receive buffer full) are counted exactly:
// every datagram sent is either read or counted as dropped.
TEST_F(Loopback, KernelDropsAreCounted) {
  open("netflow://127.0.0.1:0");
  std::vector<uint8_t> garbage(1400, 0xee);  // refused as bad once read
  // More than the 32 MiB buffer holds (a datagram costs ~2.3 KiB of it).
  const uint64_t sent = 100000;
  for (uint64_t i = 0; i < sent; ++i) send_bytes(garbage);
  drain();
  InputStats s = input->stats();
  EXPECT_GT(s.kernel_drops, 0u);
  EXPECT_EQ(s.bad_messages + s.kernel_drops, sent);
}

TEST_F(Loopback, DualStackSocketNamesIpv4Exporters) {
  open("netflow://[::]:0");
  Packets packets = export_flows(wire::NetflowProtocol::kV9, 1);
  send_bytes(packets[0]);
  drain();
  ASSERT_EQ(handler.origins.size(), 1u);
  EXPECT_EQ(handler.origins[0].source.rfind("127.0.0.1:", 0), 0u) << handler.origins[0].source;
}

}  // namespace
}  // namespace vedetta::collect
