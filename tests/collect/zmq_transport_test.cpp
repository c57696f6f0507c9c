// ZeroMQ export (export/zmq_exporter.h) and collection (collect/zmq_input.h)
// over real sockets on 127.0.0.1 with kernel-chosen ports: records arrive
// whole in JSON and TLV, compressed or not; losses and restarts are counted
// exactly; a collector that stops reading never blocks add(); CURVE; bad input.
#include <gtest/gtest.h>
#include <zmq.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>

#include "collect/zmq_input.h"
#include "common/user_error.h"
#include "export/zmq_exporter.h"
#include "tcp_proxy.h"
#include "zmq_test_support.h"

namespace vedetta {
namespace {

using collect::ZmqInput;
using test::pump;
using test::Received;
using test::test_record;
using test::wait_until;
using wire::PayloadFormat;

ZmqExportOptions local_options(PayloadFormat format = PayloadFormat::kJson, bool compress = false) {
  ZmqExportOptions o;
  o.endpoint = "tcp://127.0.0.1:*";  // a free port, read back with endpoint()
  o.format = format;
  o.compress = compress;
  o.source_id = 4242;
  o.flows_per_message = 16;
  return o;
}

bool subscribed(const ZmqExporter& e) { return e.stats().subscribers > 0; }

// A queue of 8 messages of 10 flows: easy to fill.
ZmqExportOptions small_queue_options(double close_wait_s, bool wait_when_full,
                                     PayloadFormat format = PayloadFormat::kJson) {
  ZmqExportOptions o = local_options(format);
  o.flows_per_message = 10;
  o.queue_messages = 8;
  o.close_wait_s = close_wait_s;
  o.wait_when_full = wait_when_full;
  return o;
}

// Every field of record `i` as test_record wrote it (numbers may come back
// as another numeric type: compared as text).
void expect_same_record(const wire::FlowRecord& got, uint64_t i) {
  wire::FlowRecord want = test_record(i);
  ASSERT_EQ(got.fields.size(), want.fields.size());
  for (const wire::RecordField& f : want.fields) {
    std::string a, b;
    ASSERT_TRUE(wire::as_text(got.get(f.id), a)) << "element " << f.id << " missing";
    wire::as_text(&f.value, b);
    EXPECT_EQ(a, b) << "element " << f.id;
  }
}

void expect_all_records(const Received& got, uint64_t n) {
  ASSERT_EQ(got.flows.size(), n);
  std::vector<bool> seen(n);
  for (const auto& [origin, record] : got.flows) {
    uint64_t i = test::record_index(record);
    ASSERT_LT(i, n);
    EXPECT_FALSE(seen[i]) << "record " << i << " twice";
    seen[i] = true;
    expect_same_record(record, i);
  }
}

struct FormatCase {
  const char* name;
  PayloadFormat format;
  bool compress;
};

class RoundTrip : public ::testing::TestWithParam<FormatCase> {};

TEST_P(RoundTrip, EveryRecordArrivesWholeWithATemplate) {
  ZmqExporter exporter(local_options(GetParam().format, GetParam().compress));
  ZmqInput input(exporter.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  constexpr uint64_t kFlows = 1000;
  for (uint64_t i = 0; i < kFlows; ++i) exporter.add(test_record(i));
  exporter.flush();
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return input.stats().messages == exporter.stats().messages_sent; }, 10))
      << input.stats().messages << " of " << exporter.stats().messages_sent;
  expect_all_records(got, kFlows);
  for (const auto& [origin, record] : got.flows) {
    EXPECT_EQ(origin.source, exporter.endpoint());
    EXPECT_EQ(origin.source_id, 4242u);
  }
  EXPECT_EQ(exporter.endpoint().rfind("tcp://127.0.0.1:", 0), 0u) << exporter.endpoint();
  collect::InputStats s = input.stats();
  EXPECT_EQ(s.flows, kFlows);
  EXPECT_EQ(s.lost_messages, 0u);
  EXPECT_EQ(s.source_restarts, 0u);
  EXPECT_EQ(s.bad_messages, 0u);
  ZmqExportStats e = exporter.stats();
  EXPECT_EQ(e.flows_sent, kFlows);
  EXPECT_EQ(e.export_queue_full, 0u);
  EXPECT_EQ(e.messages_sent, kFlows / 16 + 1 + 1);  // full batches, the rest, a template

  // The template names the elements the flows carried, ntop-numbered.
  ASSERT_EQ(got.count("template"), 1u);
  nlohmann::json t = nlohmann::json::parse(got.messages[0].second);
  ASSERT_TRUE(t.is_array());
  EXPECT_EQ(t.size(), test_record(0).fields.size());
  bool l7_name = false;
  for (const auto& f : t)
    if (f["name"] == "L7_PROTO_NAME") {
      l7_name = true;
      EXPECT_EQ(f["PEN"], 35632);
      EXPECT_EQ(f["field"], 57591 - 57472);
    }
  EXPECT_TRUE(l7_name) << t.dump();
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip,
                         ::testing::Values(FormatCase{"json", PayloadFormat::kJson, false},
                                           FormatCase{"tlv", PayloadFormat::kTlv, false},
                                           FormatCase{"json_zlib", PayloadFormat::kJson, true},
                                           FormatCase{"tlv_zlib", PayloadFormat::kTlv, true}),
                         [](const auto& info) { return std::string(info.param.name); });

// A batch that does not fill up still goes within about a second.
TEST(ZmqExport, PartialBatchGoesWithinASecond) {
  ZmqExporter exporter(local_options());
  ZmqInput input(exporter.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  auto start = std::chrono::steady_clock::now();
  exporter.add(test_record(7));
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return got.flows.size() == 1; }, 5));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(took, 0.9);
  EXPECT_LT(took, 2.5);
  expect_same_record(got.flows[0].second, 7);
}

TEST(ZmqExport, EventMessagesCarryTheProbeStatistics) {
  ZmqExportOptions o = local_options();
  o.event_interval_s = 0.2;
  ZmqExporter exporter(o);
  int calls = 0;
  exporter.set_event_source([&] {
    ++calls;
    return std::string("{\"packets\":") + std::to_string(calls) + "}";
  });
  ZmqInput input(exporter.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  ASSERT_TRUE(pump(
      {&input}, got,
      [&] {
        exporter.tick();  // the probe's loop does this
        return got.count("event") >= 2;
      },
      10));
  for (const auto& [topic, json] : got.messages) {
    if (topic == "event") {
      EXPECT_GE(nlohmann::json::parse(json)["packets"].get<int>(), 1);
    }
  }
  EXPECT_EQ(input.stats().lost_messages, 0u);
}

// Collector mode (-i tcp://*:PORTc): the input binds, probes connect.
TEST(ZmqInputModes, CollectorModeTakesProbesThatConnect) {
  ZmqInput input("tcp://127.0.0.1:*c");
  ASSERT_EQ(input.endpoints().size(), 1u);
  ZmqExportOptions o = local_options(PayloadFormat::kTlv);
  o.endpoint = input.endpoints()[0];
  o.probe_mode = true;
  ZmqExporter exporter(o);
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  for (uint64_t i = 0; i < 100; ++i) exporter.add(test_record(i));
  exporter.flush();
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return got.flows.size() == 100; }, 10));
  expect_all_records(got, 100);
  EXPECT_EQ(got.flows[0].first.source, "127.0.0.1");  // the peer, when bound
}

// ipc://PATHc: collector mode on a Unix socket (probes in other network
// namespaces of the host reach it through the file system).
TEST(ZmqInputModes, CollectorModeOnAUnixSocket) {
  std::string path = ::testing::TempDir() + "/vedetta-zmq-test.sock";
  ZmqInput input("ipc://" + path + "c");
  EXPECT_EQ(input.endpoints()[0], "ipc://" + path);
  ZmqExportOptions o = local_options(PayloadFormat::kTlv);
  o.endpoint = "ipc://" + path;
  o.probe_mode = true;
  ZmqExporter exporter(o);
  Received got;
  ASSERT_TRUE(pump({&input}, got, [&] { return subscribed(exporter); }, 10));
  for (uint64_t i = 0; i < 20; ++i) exporter.add(test_record(i));
  exporter.flush();
  ASSERT_TRUE(pump({&input}, got, [&] { return got.flows.size() == 20; }, 10));
  expect_all_records(got, 20);
}

// "*" binds IPv6 and IPv4; an IPv4 probe is named as IPv4 all the same.
TEST(ZmqInputModes, CollectorModeOnBothAddressFamilies) {
  ZmqInput input("tcp://*:*c");
  EXPECT_EQ(input.endpoints()[0].rfind("tcp://[::]:", 0), 0u) << input.endpoints()[0];
  std::string port = input.endpoints()[0].substr(input.endpoints()[0].rfind(':'));
  Received got;
  for (const char* host : {"tcp://127.0.0.1", "tcp://[::1]"}) {
    ZmqExportOptions o = local_options();
    o.endpoint = host + port;
    o.probe_mode = true;
    ZmqExporter exporter(o);
    ASSERT_TRUE(pump(
        {&input}, got, [&] { return subscribed(exporter); }, 10))
        << host;
    exporter.add(test_record(got.flows.size()));
    exporter.flush();
    ASSERT_TRUE(pump(
        {&input}, got, [&] { return got.flows.size() == (host[6] == '1' ? 1u : 2u); }, 10));
  }
  EXPECT_EQ(got.flows[0].first.source, "127.0.0.1");
  EXPECT_EQ(got.flows[1].first.source, "::1");
}

// tcp://h1,tcp://h2: one input, both senders, each counted apart.
TEST(ZmqInputModes, SeveralEndpointsMakeOneInput) {
  ZmqExportOptions a_options = local_options();
  ZmqExportOptions b_options = local_options(PayloadFormat::kTlv);
  b_options.source_id = 99;
  ZmqExporter a(a_options), b(b_options);
  ZmqInput input(a.endpoint() + "," + b.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(a) && subscribed(b); }, 10));
  for (uint64_t i = 0; i < 50; ++i) a.add(test_record(i));
  for (uint64_t i = 50; i < 100; ++i) b.add(test_record(i));
  a.flush();
  b.flush();
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return got.flows.size() == 100; }, 10));
  expect_all_records(got, 100);
  std::vector<std::string> lines = input.source_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("50 flows, 0 lost, 0 restarts"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("50 flows, 0 lost, 0 restarts"), std::string::npos) << lines[1];
}

TEST(ZmqInputModes, BadSpecsAreNamed) {
  try {
    ZmqInput input("tcp://127.0.0.1:1,");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("empty endpoint"), std::string::npos) << e.what();
  }
  try {
    ZmqInput input("tcp://no-port-here");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("tcp://no-port-here"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(ZmqInput::handles("tcp://*:5556c"));
  EXPECT_TRUE(ZmqInput::handles("ipc:///run/vedetta.sockc"));
  EXPECT_FALSE(ZmqInput::handles("netflow://:2055"));
}

// Two runs of a probe on one endpoint, with source ids `first_id` and
// `second_id`, to one collector that connects: 2 × 48 records.
collect::InputStats restart_on_one_endpoint(uint32_t first_id, uint32_t second_id) {
  ZmqExportOptions o = local_options();
  o.source_id = first_id;
  auto exporter = std::make_unique<ZmqExporter>(o);
  o.endpoint = exporter->endpoint();  // the second run binds the same port
  ZmqInput input(o.endpoint);
  Received got;
  for (uint64_t run = 0; run < 2; ++run) {
    if (run == 1) {
      exporter.reset();
      o.source_id = second_id;
      exporter = std::make_unique<ZmqExporter>(o);  // the input reconnects by itself
    }
    EXPECT_TRUE(pump(
        {&input}, got, [&] { return subscribed(*exporter); }, 10));
    for (uint64_t i = run * 48; i < run * 48 + 48; ++i) exporter->add(test_record(i));
    exporter->flush();
    EXPECT_TRUE(pump(
        {&input}, got, [&] { return got.flows.size() == run * 48 + 48; }, 10));
  }
  expect_all_records(got, 96);
  return input.stats();
}

// A probe restarted with the same source id numbers from 1 again: one
// restart, nothing counted lost (it waits for the collector to come back).
TEST(ZmqLoss, RestartedExporterIsDetected) {
  collect::InputStats s = restart_on_one_endpoint(77, 77);
  EXPECT_EQ(s.source_restarts, 1u);
  EXPECT_EQ(s.lost_messages, 0u);
}

// A probe whose default source id changed (restarted: a new pid) on an
// endpoint the collector connects to is the same publisher restarting.
TEST(ZmqLoss, NewSourceIdOnAConnectedEndpointIsARestart) {
  collect::InputStats s = restart_on_one_endpoint(10, 11);
  EXPECT_EQ(s.source_restarts, 1u);
  EXPECT_EQ(s.lost_messages, 0u);
}

// Two collectors; the link to one is cut while the probe goes on sending to
// the other. When the link is back (ZeroMQ reconnects by itself) the cut-off
// collector counts exactly the messages it missed.
TEST(ZmqLoss, MessagesSentWhileACollectorIsCutOffAreCountedLost) {
  ZmqExportOptions o = local_options();
  o.flows_per_message = 10;
  ZmqExporter exporter(o);
  uint16_t port = static_cast<uint16_t>(
      std::stoi(exporter.endpoint().substr(exporter.endpoint().rfind(':') + 1)));
  test::TcpProxy link(port);
  ZmqInput direct(exporter.endpoint());
  ZmqInput behind("tcp://127.0.0.1:" + std::to_string(link.port()));
  Received got_direct, got_behind;
  auto pump_both = [&](const std::function<bool()>& done) {
    return test::pump_each({{&direct, &got_direct}, {&behind, &got_behind}}, done, 10);
  };
  auto send = [&](uint64_t from, uint64_t to) {
    for (uint64_t i = from; i < to; ++i) exporter.add(test_record(i));
    exporter.flush();
  };
  ASSERT_TRUE(pump_both([&] { return exporter.stats().subscribers == 2; }));
  send(0, 200);
  ASSERT_TRUE(
      pump_both([&] { return got_direct.flows.size() == 200 && got_behind.flows.size() == 200; }));

  link.cut();
  ASSERT_TRUE(pump_both([&] { return exporter.stats().subscribers == 1; }));
  send(200, 500);  // 30 messages the cut-off collector never sees
  ASSERT_TRUE(pump_both([&] { return got_direct.flows.size() == 500; }));

  link.restore();
  ASSERT_TRUE(pump_both([&] { return exporter.stats().subscribers == 2; }));
  send(500, 600);
  ASSERT_TRUE(pump_both([&] {
    return got_direct.flows.size() == 600 && got_behind.flows.size() == 300;
  })) << got_behind.flows.size();
  EXPECT_EQ(direct.stats().lost_messages, 0u);
  EXPECT_EQ(behind.stats().lost_messages, 30u);
  EXPECT_EQ(behind.stats().messages + behind.stats().lost_messages, direct.stats().messages);
  EXPECT_EQ(behind.stats().source_restarts, 0u);
}

// The collector stops reading: the socket fills, then the exporter's queue;
// add() goes on at full speed and counts what it drops. When the collector
// reads again, the msg_id gaps it sees are exactly the dropped messages, and
// what arrived plus what was dropped is everything.
TEST(ZmqLoss, StalledCollectorCountsDropsExactlyAndNeverBlocks) {
  ZmqExporter exporter(small_queue_options(1, false));
  ZmqInput input(exporter.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  // A first message received: a collector counts gaps from there on.
  exporter.add(test_record(0));
  exporter.flush();
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return got.flows.size() == 1; }, 10));

  constexpr uint64_t kFlows = 200000;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 1; i <= kFlows; ++i) exporter.add(test_record(i));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(took, 5.0) << "add() waited on the stalled collector";
  exporter.flush();  // gives up after close_wait_s: the rest is dropped, counted
  ZmqExportStats stalled = exporter.stats();
  EXPECT_GT(stalled.export_queue_full, kFlows / 2);
  EXPECT_EQ(stalled.flows_sent + stalled.export_queue_full, kFlows + 1);

  // One more message after the gap, so that the collector sees it.
  exporter.add(test_record(kFlows + 1));
  exporter.flush();
  ZmqExportStats e = exporter.stats();
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return input.stats().flows == e.flows_sent; }, 20))
      << input.stats().flows << " of " << e.flows_sent;
  EXPECT_EQ(input.stats().lost_messages, e.messages_dropped);
  EXPECT_EQ(input.stats().flows + e.export_queue_full, kFlows + 2);
  EXPECT_EQ(input.stats().source_restarts, 0u);
}

// Nobody subscribed: a million add() calls return at once; everything is
// counted as dropped (the queue holds a few messages for a late collector).
TEST(ZmqLoss, AddNeverBlocksWithoutCollector) {
  ZmqExportOptions o = local_options();
  o.close_wait_s = 0.2;
  ZmqExporter exporter(o);
  constexpr uint64_t kFlows = 1000000;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < kFlows; ++i) {
    wire::FlowRecord r;
    r.add(1, i);
    r.add(7, uint64_t(80));
    exporter.add(std::move(r));
  }
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(took, 3.0);
  std::printf("1M add(): %.3f s\n", took);
  exporter.flush();
  EXPECT_EQ(exporter.stats().export_queue_full, kFlows);
  EXPECT_EQ(exporter.stats().flows_sent, 0u);
}

// Replaying a capture file (wait_when_full): a burst far larger than the
// queue is delivered whole, add() waiting for room instead of dropping.
TEST(ZmqFileReplay, BurstWaitsForRoomAndLosesNothing) {
  ZmqExporter exporter(small_queue_options(2, true, PayloadFormat::kTlv));
  ZmqInput input(exporter.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  constexpr uint64_t kFlows = 20000;
  std::thread producer([&] {
    for (uint64_t i = 0; i < kFlows; ++i) exporter.add(test_record(i));
    exporter.flush();
  });
  bool all = pump(
      {&input}, got, [&] { return got.flows.size() == kFlows; }, 30);
  producer.join();
  ASSERT_TRUE(all) << got.flows.size();
  expect_all_records(got, kFlows);
  EXPECT_EQ(exporter.stats().export_queue_full, 0u);
  EXPECT_EQ(input.stats().lost_messages, 0u);
}

// ...but a collector that stops reading costs one wait of close_wait_s,
// then records are dropped (counted) as in live capture.
TEST(ZmqFileReplay, StalledCollectorCostsOneWaitThenDrops) {
  ZmqExporter exporter(small_queue_options(0.5, true));
  ZmqInput input(exporter.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  constexpr uint64_t kFlows = 200000;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < kFlows; ++i) exporter.add(test_record(i));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(took, 0.45);  // one wait
  EXPECT_LT(took, 5.0);   // not one per batch
  exporter.flush();
  EXPECT_GT(exporter.stats().export_queue_full, kFlows / 2);
  EXPECT_EQ(exporter.stats().flows_sent + exporter.stats().export_queue_full, kFlows);
}

std::pair<std::string, std::string> curve_keypair() {
  char public_key[41], secret_key[41];
  EXPECT_EQ(zmq_curve_keypair(public_key, secret_key), 0);
  return {public_key, secret_key};
}

TEST(ZmqCurve, EncryptedFlowsArrive) {
  auto [server_public, server_secret] = curve_keypair();
  std::string key_file = ::testing::TempDir() + "/collector.key";
  std::ofstream(key_file) << server_secret << "\n";
  collect::ZmqInputOptions io;
  io.curve_secret_key = "@" + key_file;
  ZmqInput input("tcp://127.0.0.1:*c", io);
  ZmqExportOptions o = local_options(PayloadFormat::kTlv, true);
  o.endpoint = input.endpoints()[0];
  o.probe_mode = true;
  o.curve_server_key = server_public;
  ZmqExporter exporter(o);
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return subscribed(exporter); }, 10));
  for (uint64_t i = 0; i < 100; ++i) exporter.add(test_record(i));
  exporter.flush();
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return got.flows.size() == 100; }, 10));
  expect_all_records(got, 100);
}

TEST(ZmqCurve, WrongServerKeyDeliversNothing) {
  auto [server_public, server_secret] = curve_keypair();
  auto [other_public, other_secret] = curve_keypair();
  collect::ZmqInputOptions io;
  io.curve_secret_key = server_secret;
  ZmqInput input("tcp://127.0.0.1:*c", io);
  ZmqExportOptions o = local_options();
  o.endpoint = input.endpoints()[0];
  o.probe_mode = true;
  o.curve_server_key = other_public;  // not the collector's
  o.close_wait_s = 0.2;
  ZmqExporter exporter(o);
  for (uint64_t i = 0; i < 100; ++i) exporter.add(test_record(i));
  Received got;
  EXPECT_FALSE(pump(
      {&input}, got, [&] { return subscribed(exporter) || !got.flows.empty(); }, 2));
  exporter.flush();
  EXPECT_EQ(input.stats().messages, 0u);
  EXPECT_EQ(input.stats().flows, 0u);
  EXPECT_EQ(exporter.stats().flows_sent, 0u);
  EXPECT_EQ(exporter.stats().export_queue_full, 100u);
}

TEST(ZmqCurve, BadKeysAreRefusedAtStart) {
  collect::ZmqInputOptions io;
  io.curve_secret_key = "too-short";
  EXPECT_THROW(ZmqInput("tcp://127.0.0.1:*c", io), UserError);
  io.curve_secret_key = "@/no/such/key/file";
  try {
    ZmqInput input("tcp://127.0.0.1:*c", io);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/key/file"), std::string::npos) << e.what();
  }
}

// A raw publisher in the test sends what no probe would.
class RawPublisher {
 public:
  // Binds a free port, or connects to `collector` (bound in collector mode).
  explicit RawPublisher(const std::string& collector = "")
      : context_(zmq_ctx_new()), socket_(zmq_socket(context_, ZMQ_XPUB)) {
    if (!collector.empty()) {
      zmq_connect(socket_, collector.c_str());
      endpoint_ = collector;
      return;
    }
    zmq_bind(socket_, "tcp://127.0.0.1:*");
    char last[256];
    size_t size = sizeof last;
    zmq_getsockopt(socket_, ZMQ_LAST_ENDPOINT, last, &size);
    endpoint_ = last;
  }
  ~RawPublisher() {
    int zero = 0;
    zmq_setsockopt(socket_, ZMQ_LINGER, &zero, sizeof zero);
    zmq_close(socket_);
    zmq_ctx_term(context_);
  }
  const std::string& endpoint() const { return endpoint_; }
  // A subscription arrived since the last call.
  bool has_subscriber() {
    char b[64];
    bool subscribed = false;
    for (int n; (n = zmq_recv(socket_, b, sizeof b, ZMQ_DONTWAIT)) > 0;) subscribed |= b[0] == 1;
    return subscribed;
  }
  void send(std::vector<std::vector<uint8_t>> frames) {
    for (size_t i = 0; i < frames.size(); ++i)
      zmq_send(socket_, frames[i].data(), frames[i].size(),
               i + 1 < frames.size() ? ZMQ_SNDMORE : 0);
  }

 private:
  void* context_;
  void* socket_;
  std::string endpoint_;
};

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> v3_header(uint32_t msg_id, PayloadFormat format, bool compressed,
                               size_t size) {
  wire::ZmqHeader h;
  h.topic = "flow";
  h.format = format;
  h.compressed = compressed;
  h.has_msg_id = true;
  h.msg_id = msg_id;
  h.source_id = 5;
  h.size = static_cast<uint32_t>(size);
  h.uncompressed_size = static_cast<uint32_t>(size);
  return wire::encode_header(h);
}

TEST(ZmqBadInput, GarbageIsCountedByReasonAndSkipped) {
  RawPublisher pub;
  ZmqInput input(pub.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return pub.has_subscriber(); }, 10));
  pub.send({bytes("flow garbage in one frame")});
  pub.send({bytes("flow"), bytes("a"), bytes("b")});
  pub.send({bytes("flow-17-bytes-hdr"), bytes("[]")});  // SUB filters on the topic prefix
  std::string not_json = "[{\"8\":";
  pub.send({v3_header(1, PayloadFormat::kJson, false, not_json.size()), bytes(not_json)});
  std::vector<uint8_t> tlv;
  wire::FlowRecord one = test_record(3);
  wire::encode_tlv_flows(std::span(&one, 1), tlv);
  tlv.resize(tlv.size() / 2);  // cut in the middle of a record
  pub.send({v3_header(2, PayloadFormat::kTlv, false, tlv.size()), tlv});
  pub.send({v3_header(3, PayloadFormat::kJson, true, 9), bytes("not zlib!")});
  std::string good;
  wire::encode_json_flows(std::span(&one, 1), good);
  pub.send({v3_header(4, PayloadFormat::kJson, false, good.size()), bytes(good)});
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return got.flows.size() == 1; }, 10));
  expect_same_record(got.flows[0].second, 3);
  collect::InputStats s = input.stats();
  EXPECT_EQ(s.bad_messages, 6u);
  EXPECT_EQ(s.messages, 1u);
  EXPECT_EQ(s.lost_messages, 0u);  // bad payloads still had their msg_id
  EXPECT_EQ(input.bad_by_reason().at("frames"), 2u);
  EXPECT_EQ(input.bad_by_reason().at("header"), 1u);
  EXPECT_EQ(input.bad_by_reason().at("payload"), 3u);
}

// Over the limit decode_message keeps (64 MB): counted as bad. Over the
// socket's own limit (ZMQ_MAXMSGSIZE, set in collector mode, where anyone
// may connect), ZeroMQ drops that connection before the message is read.
TEST(ZmqBadInput, OversizedMessagesAreRefused) {
  RawPublisher pub;
  ZmqInput input(pub.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return pub.has_subscriber(); }, 10));
  std::vector<uint8_t> huge(wire::kMaxPayloadBytes + 1, '[');
  pub.send({v3_header(1, PayloadFormat::kJson, false, huge.size()), huge});
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return input.stats().bad_messages == 1; }, 20));
  EXPECT_EQ(input.bad_by_reason().at("payload"), 1u);

  collect::ZmqInputOptions small;
  small.max_message_bytes = 4096;
  ZmqInput limited("tcp://127.0.0.1:*c", small);
  RawPublisher pub2(limited.endpoints()[0]);
  ASSERT_TRUE(pump(
      {&limited}, got, [&] { return pub2.has_subscriber(); }, 10));
  wire::FlowRecord one = test_record(1);
  std::string good;
  wire::encode_json_flows(std::span(&one, 1), good);
  pub2.send({v3_header(1, PayloadFormat::kJson, false, good.size()), bytes(good)});
  ASSERT_TRUE(pump(
      {&limited}, got, [&] { return limited.stats().flows == 1; }, 10));
  std::vector<uint8_t> big(8192, ' ');
  pub2.send({v3_header(2, PayloadFormat::kJson, false, big.size()), big});
  EXPECT_FALSE(pump(
      {&limited}, got, [&] { return limited.stats().messages > 1; }, 1));
  EXPECT_EQ(limited.stats().bad_messages, 0u);
}

// Random frames of random sizes (some the size of real headers): every one
// is counted, good or bad, and nothing crashes.
TEST(ZmqBadInput, RandomFramesNeverCrash) {
  RawPublisher pub;
  ZmqInput input(pub.endpoint());
  Received got;
  ASSERT_TRUE(pump(
      {&input}, got, [&] { return pub.has_subscriber(); }, 10));
  std::mt19937 rng(1234);
  const size_t header_sizes[] = {24, 28, 36, 40, 0, 1, 100};
  constexpr int kMessages = 500;
  for (int i = 0; i < kMessages; ++i) {
    // At least "flow": shorter first frames never pass the subscription.
    std::vector<uint8_t> header(header_sizes[rng() % 7]), payload(rng() % 300);
    if (header.size() < 4) header.resize(4);
    for (auto& b : header) b = static_cast<uint8_t>(rng());
    for (auto& b : payload) b = static_cast<uint8_t>(rng());
    if (header.size() >= 4) std::copy_n("flow", 4, header.begin());  // pass the subscription
    if (header.size() >= 17 && i % 2) header[16] = 4;                // often a v3 version byte
    pub.send({header, payload});
  }
  ASSERT_TRUE(pump(
      {&input}, got,
      [&] { return input.stats().bad_messages + input.stats().messages == kMessages; }, 10))
      << input.stats().bad_messages << " bad, " << input.stats().messages << " good";
}

}  // namespace
}  // namespace vedetta
