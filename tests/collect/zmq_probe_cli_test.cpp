// `vedetta probe -i PCAP --zmq tcp://127.0.0.1:PORT --zmq-probe-mode` (the
// built binary, on corpus captures) delivers the files' flows to a
// collector bound on PORT: the same flows, with the same counters, as the
// probe's own --json output of that run; with every pcap of the corpus the
// ~5,000 flows left at the end go out at once, and none is dropped.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "collect/zmq_input.h"
#include "support/live_prerequisite.h"
#include "wire/elements.h"
#include "spawn_vedetta.h"
#include "zmq_test_support.h"

namespace vedetta {
namespace {

// Fields compared between the JSON lines and the collected records.
const char* const kCompared[] = {"IPV4_SRC_ADDR",   "IPV6_SRC_ADDR", "L4_SRC_PORT", "IPV4_DST_ADDR",
                                 "IPV6_DST_ADDR",   "L4_DST_PORT",   "PROTOCOL",    "IN_BYTES",
                                 "IN_PKTS",         "OUT_BYTES",     "OUT_PKTS",    "L7_PROTO_NAME",
                                 "FLOW_SERVER_NAME"};

std::string key_of_json(const nlohmann::json& flow) {
  std::string key;
  for (const char* name : kCompared) {
    key += name;
    key += '=';
    if (flow.contains(name))
      key += flow[name].is_string() ? flow[name].get<std::string>() : flow[name].dump();
    key += ' ';
  }
  return key;
}

std::string key_of_record(const wire::FlowRecord& r) {
  std::string key;
  for (const char* name : kCompared) {
    key += name;
    key += '=';
    std::string text;
    if (const wire::Element* e = wire::find_element(name); e && wire::as_text(r.get(e->id), text))
      key += text;
    key += ' ';
  }
  return key;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads from `input` until the probe exits (false: killed after `timeout_s`).
bool collect_until_exit(collect::ZmqInput& input, test::Received& got, pid_t pid, int& status,
                        double timeout_s) {
  bool exited = test::pump(
      {&input}, got, [&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout_s);
  if (!exited) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  return exited;
}

struct CliCase {
  const char* name;
  const char* options;
  bool whole_corpus;  // every .pcap of the corpus: ~5,000 flows exported at once at the end
};

// "-i" and each pcap of the corpus (or android.pcap alone).
std::vector<std::string> pcap_inputs(bool whole_corpus) {
  std::vector<std::string> names;
  if (!whole_corpus) {
    names.push_back("android.pcap");
  } else if (DIR* d = opendir(VEDETTA_PCAP_DIR)) {
    while (dirent* e = readdir(d))
      if (std::string n = e->d_name; n.size() > 5 && n.ends_with(".pcap")) names.push_back(n);
    closedir(d);
    std::sort(names.begin(), names.end());
  }
  std::vector<std::string> args;
  for (const std::string& n : names) {
    args.push_back("-i");
    args.push_back(VEDETTA_PCAP_DIR "/" + n);
  }
  return args;
}

class ProbeToCollector : public ::testing::TestWithParam<CliCase> {};

TEST_P(ProbeToCollector, PcapFlowsArriveAsTheJsonShowsThem) {
  std::vector<std::string> inputs = pcap_inputs(GetParam().whole_corpus);
  if (inputs.empty() || access(inputs[1].c_str(), R_OK) != 0)
    GTEST_SKIP() << "corpus not found in " VEDETTA_PCAP_DIR;
  collect::ZmqInput input("tcp://127.0.0.1:*c");  // collector mode: the probe connects
  std::string endpoint = input.endpoints()[0];
  // Per case and process: ctest runs the cases in parallel, in one TempDir.
  std::string dir = ::testing::TempDir() + "/zmq_cli_" + GetParam().name + "_" +
                    std::to_string(getpid());
  std::string json_path = dir + "_flows.json", err_path = dir + "_stderr.txt";

  std::vector<std::string> args = inputs;
  for (const char* a : {"--zmq-probe-mode", "--json", json_path.c_str(), "-q", "--zmq"})
    args.push_back(a);
  args.push_back(endpoint);
  std::istringstream extra(GetParam().options);
  for (std::string word; extra >> word;) args.push_back(word);
  pid_t pid = test::spawn_vedetta("probe", args, err_path);
  test::Received got;
  int status = 0;
  ASSERT_TRUE(collect_until_exit(input, got, pid, status, 60)) << "the probe did not finish";
  std::string stderr_text = slurp(err_path);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << stderr_text;

  std::multiset<std::string> want;
  std::istringstream lines(slurp(json_path));
  for (std::string line; std::getline(lines, line);)
    want.insert(key_of_json(nlohmann::json::parse(line)));
  ASSERT_GT(want.size(), 10u);
  ASSERT_TRUE(test::pump(
      {&input}, got, [&] { return got.flows.size() >= want.size(); }, 10))
      << got.flows.size() << " of " << want.size() << " flows\n"
      << stderr_text;
  std::multiset<std::string> collected;
  for (const auto& [origin, record] : got.flows) collected.insert(key_of_record(record));
  EXPECT_EQ(collected, want);
  EXPECT_EQ(input.stats().lost_messages, 0u);
  EXPECT_EQ(input.stats().bad_messages, 0u);
  EXPECT_GE(got.count("template"), 1u);
  // The exit report says what went and that nothing was dropped.
  std::string sent = std::to_string(want.size()) + " flows in ";
  EXPECT_NE(stderr_text.find(sent), std::string::npos) << stderr_text;
  EXPECT_NE(stderr_text.find(" 0 flows dropped"), std::string::npos) << stderr_text;
  if (!HasFailure()) std::remove(json_path.c_str()), std::remove(err_path.c_str());
}

// Live (root, to capture on lo): the probe's "event" message every 5 s
// carries its statistics in nProbe's shape, and its template names and
// describes the -T fields.
TEST(ProbeEvents, EventAndTemplateDescribeTheProbe) {
  if (geteuid() != 0) return test_support::skip_or_fail("capturing on lo needs root");
  collect::ZmqInput input("tcp://127.0.0.1:*c");
  std::string err_path = ::testing::TempDir() + "/zmq_event_stderr.txt";
  pid_t pid = test::spawn_vedetta("probe", {"-i", "lo", "--events", "none", "--duration", "6", "-q", "--zmq",
                           input.endpoints()[0], "--zmq-probe-mode", "--zmq-source-id", "4321",
                           "-T", "%IPV4_SRC_ADDR %L4_SRC_PORT %IN_BYTES %L7_PROTO_NAME"},
                          err_path);
  test::Received got;
  int status = 0;
  ASSERT_TRUE(collect_until_exit(input, got, pid, status, 30));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(err_path);
  ASSERT_GE(got.count("event"), 1u) << slurp(err_path);
  for (const auto& [topic, text] : got.messages) {
    nlohmann::json j = nlohmann::json::parse(text);
    if (topic == "event") {
      EXPECT_GT(j["time"].get<int64_t>(), 1700000000) << text;
      EXPECT_GT(j["packets"].get<uint64_t>(), 0u) << text;  // its own ZeroMQ traffic at least
      EXPECT_GT(j["bytes"].get<uint64_t>(), 0u) << text;
      EXPECT_EQ(j["timeout"]["lifetime"], 120) << text;
      EXPECT_EQ(j["timeout"]["idle"], 30) << text;
      EXPECT_EQ(j["drops"]["export_queue_full"], 0) << text;
      EXPECT_EQ(j["probe"]["source_id"], 4321) << text;
      EXPECT_EQ(j["probe"]["uuid"].get<std::string>().size(), 36u) << text;
      EXPECT_FALSE(j["probe"]["version"].get<std::string>().empty()) << text;
    } else if (topic == "template") {
      ASSERT_EQ(j.size(), 4u) << text;
      EXPECT_EQ(j[0]["name"], "IPV4_SRC_ADDR");
      EXPECT_EQ(j[0]["field"], 8);
      EXPECT_EQ(j[0]["len"], 4);
      EXPECT_FALSE(j[0]["descr"].get<std::string>().empty()) << text;
      EXPECT_EQ(j[3]["PEN"], 35632);
      EXPECT_EQ(j[3]["field"], 119);
    }
  }
  EXPECT_EQ(input.stats().lost_messages, 0u);
  for (const auto& [key, source] : input.sources()) EXPECT_EQ(key.second, 4321u);
}

INSTANTIATE_TEST_SUITE_P(Formats, ProbeToCollector,
                         ::testing::Values(CliCase{"tlv", "--zmq-format tlv", false},
                                           CliCase{"json_zlib", "--zmq-format json --zmq-compress",
                                                   false},
                                           CliCase{"whole_corpus_tlv", "--zmq-format tlv", true}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vedetta
