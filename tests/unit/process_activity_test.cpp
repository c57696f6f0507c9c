// Active processes (probe/process_activity.cpp): what each process's flows
// did, from the exports, and the file a console reads.
#include "probe/process_activity.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/user_error.h"

namespace vedetta {
namespace {

using nlohmann::json;

ProcessRef process(uint32_t pid, const char* comm, bool exited = false) {
  auto p = std::make_shared<ProcessInfo>();
  p->pid = pid;
  p->comm = comm;
  p->exe = std::string("/usr/bin/") + comm;
  p->exited = exited;
  return p;
}

// Client sends `up` IP bytes, server `down`, in [first, last] seconds.
Flow flow(uint64_t up, uint64_t down, uint64_t first_s, uint64_t last_s) {
  Flow f;
  f.c2s.packets = 1 + up / 1000;
  f.c2s.ip_bytes = up;
  f.s2c.packets = 1 + down / 1000;
  f.s2c.ip_bytes = down;
  f.first_us = first_s * 1'000'000;
  f.last_us = last_s * 1'000'000;
  return f;
}

json entry(const json& doc, uint32_t pid) {
  for (const auto& p : doc["processes"])
    if (p["pid"] == pid) return p;
  ADD_FAILURE() << "pid " << pid << " missing in " << doc.dump();
  return json::object();
}

TEST(ProcessActivity, CountsAFlowOnceAndItsBytesAtEachExportFromEachEndsView) {
  ProcessActivity a;
  ProcessRef curl = process(10, "curl"), nginx = process(20, "nginx");
  Flow f = flow(300, 5000, 100, 130);
  a.on_export(FlowExport{f, ExportReason::kActiveTimeout, nullptr, "", 0, curl, nginx});
  // The table then remembers what was exported; the flow goes on.
  f.extras().exported_c2s = {f.c2s.packets, f.c2s.ip_bytes};
  f.extras().exported_s2c = {f.s2c.packets, f.s2c.ip_bytes};
  f.c2s.ip_bytes += 100;
  f.c2s.packets += 1;
  f.s2c.ip_bytes += 2000;
  f.last_us = 190'000'000;
  a.on_export(FlowExport{f, ExportReason::kIdle, nullptr, "", 0, curl, nginx});
  Flow other = flow(50, 60, 90, 95);  // nginx only (its client is remote)
  a.on_export(FlowExport{other, ExportReason::kIdle, nullptr, "", 0, nullptr, nginx});

  json doc = json::parse(a.to_json(200'000'000));
  EXPECT_EQ(doc["time"], 200.0);
  json c = entry(doc, 10), s = entry(doc, 20);
  EXPECT_EQ(c["flows"], 1);
  EXPECT_EQ(c["bytes_sent"], 400);
  EXPECT_EQ(c["bytes_received"], 7000);
  EXPECT_EQ(c["active_since"], 100.0);
  EXPECT_EQ(c["last_seen"], 190.0);
  EXPECT_EQ(c["name"], "curl");
  EXPECT_EQ(c["exe"], "/usr/bin/curl");
  EXPECT_EQ(s["flows"], 2);
  EXPECT_EQ(s["bytes_sent"], 7060);
  EXPECT_EQ(s["bytes_received"], 450);
  EXPECT_EQ(s["active_since"], 90.0);
  EXPECT_EQ(doc["processes"][0]["pid"], 20) << "busiest first";
}

TEST(ProcessActivity, AProcessTalkingToItselfCountsOnce) {
  ProcessActivity a;
  ProcessRef self = process(7, "selftest");
  Flow f = flow(10, 20, 1, 2);
  a.on_export(FlowExport{f, ExportReason::kIdle, nullptr, "", 0, self, self});
  json p = entry(json::parse(a.to_json(3'000'000)), 7);
  EXPECT_EQ(p["flows"], 1);
  EXPECT_EQ(p["bytes_sent"], 10);
}

TEST(ProcessActivity, RefreshTellsExitsAndExpireForgetsTheIdle) {
  ProcessActivity a;
  Flow f = flow(10, 20, 1, 2);
  a.on_export(FlowExport{f, ExportReason::kIdle, nullptr, "", 0, process(1, "a"), process(2, "b")});
  a.refresh([](uint32_t pid) { return pid == 1 ? process(1, "a", true) : nullptr; });
  json doc = json::parse(a.to_json(3'000'000));
  EXPECT_EQ(entry(doc, 1)["exited"], true);
  EXPECT_EQ(entry(doc, 2)["exited"], false) << "no news keeps what is known";
  a.expire(2'000'000 + 60'000'000, 60'000'000);
  EXPECT_EQ(a.size(), 2u) << "idle exactly the limit: kept";
  a.expire(2'000'001 + 60'000'000, 60'000'000);
  EXPECT_EQ(a.size(), 0u);
}

TEST(ProcessActivity, NamesAreEscapedInTheJson) {
  ProcessActivity a;
  Flow f = flow(1, 1, 1, 1);
  a.on_export(FlowExport{f, ExportReason::kIdle, nullptr, "", 0, process(3, "we\"ird\n"), nullptr});
  EXPECT_EQ(entry(json::parse(a.to_json(0)), 3)["name"], "we\"ird\n");
}

TEST(ProcessActivity, WriteFileReplacesTheFileAndNamesItWhenItCannot) {
  char dir[] = "/tmp/vedetta-activity-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/processes.json";
  ProcessActivity a;
  a.write_file(path, 5'000'000);
  Flow f = flow(1, 1, 1, 1);
  a.on_export(FlowExport{f, ExportReason::kIdle, nullptr, "", 0, process(3, "x"), nullptr});
  a.write_file(path, 6'000'000);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str());
  EXPECT_EQ(doc["time"], 6.0);
  EXPECT_EQ(doc["processes"].size(), 1u);
  EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0) << "no temporary file left";
  std::remove(path.c_str());
  rmdir(dir);
  try {
    a.write_file(path, 7'000'000);  // the directory is gone
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vedetta
