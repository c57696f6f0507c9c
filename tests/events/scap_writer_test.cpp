// events/scap_writer.cpp: what ScapWriter writes, ScapReader reads back the
// same (metadata, events; plain and gzip), every corpus capture rewritten
// prints the same lines, and write errors name the file.
#include "events/scap_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "common/user_error.h"
#include "events/event_formatter.h"
#include "events/scap_block_encoding.h"
#include "events/scap_reader.h"
#include "events/state_tracker.h"
#include "events/thread_table.h"
#include "scap_builder.h"

namespace vedetta::events {
namespace {

namespace fs = std::filesystem;

// A file name in the test's temporary directory, removed at the end.
class TempFile {
 public:
  explicit TempFile(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("vedetta_scap_writer_" + std::to_string(getpid()) + "_" + name)) {}
  ~TempFile() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

FdEntry socket_fd(int64_t num, FdType type, L4Proto l4, std::string lip, uint16_t lport,
                  std::string rip, uint16_t rport, std::string name) {
  FdEntry fd;
  fd.fd = num;
  fd.type = type;
  fd.l4 = l4;
  fd.has_tuple = true;
  fd.local_ip = std::move(lip);
  fd.local_port = lport;
  fd.remote_ip = std::move(rip);
  fd.remote_port = rport;
  fd.name = std::move(name);
  return fd;
}

FdEntry named_fd(int64_t num, FdType type, std::string name, L4Proto l4 = L4Proto::kUnknown) {
  FdEntry fd;
  fd.fd = num;
  fd.type = type;
  fd.l4 = l4;
  fd.name = std::move(name);
  return fd;
}

CaptureMetadata sample_metadata() {
  CaptureMetadata m;
  m.hostname = "writer-test";
  m.num_cpus = 4;
  ThreadEntry server;
  server.tid = server.pid = 200;
  server.ptid = 1;
  server.comm = "nginx";
  server.exe = "nginx";
  server.exepath = "/usr/sbin/nginx";
  server.args = std::string("-g\0daemon off;\0", 16);
  server.cwd = "/var/www";
  server.uid = 33;
  server.gid = 33;
  server.fds.push_back(named_fd(0, FdType::kFile, "/dev/null"));
  server.fds.push_back(named_fd(3, FdType::kIpv4ServSock, "0.0.0.0:80", L4Proto::kTcp));
  server.fds.push_back(named_fd(4, FdType::kIpv6ServSock, ":::443", L4Proto::kTcp));
  server.fds.push_back(socket_fd(5, FdType::kIpv4Sock, L4Proto::kTcp, "10.0.0.1", 80, "10.0.0.2",
                                 51000, "10.0.0.1:80->10.0.0.2:51000"));
  server.fds.push_back(socket_fd(6, FdType::kIpv6Sock, L4Proto::kUdp, "2001:db8::1", 53,
                                 "2001:db8::2", 40000, "2001:db8::1:53->2001:db8::2:40000"));
  server.fds.push_back(named_fd(7, FdType::kUnixSock, "/run/nginx.sock"));
  server.fds.push_back(named_fd(8, FdType::kFifo, "pipe:[1234]"));
  server.fds.push_back(named_fd(9, FdType::kDirectory, "/var/www"));
  server.fds.push_back(named_fd(10, FdType::kEventpoll, ""));
  ThreadEntry worker = server;
  worker.tid = 201;
  worker.fds.clear();  // threads share the process's fds; listed once
  m.threads = {server, worker};
  m.users = {{0, "root"}, {33, "www-data"}};
  m.groups = {{33, "www-data"}};
  return m;
}

Event make_event(uint64_t ts, int64_t tid, uint16_t type, std::vector<std::vector<uint8_t>> params,
                 uint32_t flags = 0) {
  Event e;
  e.ts_ns = ts;
  e.tid = tid;
  e.cpu = 1;
  e.type = type;
  e.flags = flags;
  for (const auto& p : params) {
    e.spans.emplace_back(static_cast<uint32_t>(e.bytes.size()), static_cast<uint32_t>(p.size()));
    e.bytes.insert(e.bytes.end(), p.begin(), p.end());
  }
  return e;
}

std::vector<Event> sample_events() {
  const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  return {
      make_event(1'700'000'000'000'000'000, 200, 22, {test::p_u64(5)}),  // > connect
      make_event(1'700'000'000'000'001'000, 200, 23,                     // < connect
                 {test::p_u64(0), test::p_tuple4(a, 51000, b, 80), test::p_u64(5)}),
      make_event(1'700'000'000'000'002'000, 201, 7, {test::p_u64(5), test::p_buf("hello")},
                 /*flags=*/1),                            // < read, 0x217 block
      make_event(1'700'000'000'000'003'000, 201, 5, {}),  // no parameters
      make_event(1'700'000'000'000'004'000, 200, 324,     // container JSON, 70 KB
                 {std::vector<uint8_t>(70'000, 'j')}),
  };
}

// The fields a capture keeps, comparable (and printed by gtest) as one tuple.
auto thread_fields(const ThreadEntry& t) {
  return std::tie(t.tid, t.pid, t.ptid, t.comm, t.exe, t.exepath, t.args, t.cwd, t.uid, t.gid);
}
auto fd_fields(const FdEntry& f) {
  return std::tie(f.fd, f.type, f.l4, f.name, f.has_tuple, f.local_ip, f.local_port, f.remote_ip,
                  f.remote_port);
}

void expect_same_metadata(const CaptureMetadata& want, const CaptureMetadata& got) {
  EXPECT_EQ(got.hostname, want.hostname);
  EXPECT_EQ(got.num_cpus, want.num_cpus);
  EXPECT_EQ(got.users, want.users);
  EXPECT_EQ(got.groups, want.groups);
  ASSERT_EQ(got.threads.size(), want.threads.size());
  for (size_t i = 0; i < want.threads.size(); ++i) {
    const ThreadEntry &w = want.threads[i], &g = got.threads[i];
    EXPECT_EQ(thread_fields(g), thread_fields(w));
    ASSERT_EQ(g.fds.size(), w.fds.size()) << "thread " << w.tid;
    for (size_t k = 0; k < w.fds.size(); ++k)
      EXPECT_EQ(fd_fields(g.fds[k]), fd_fields(w.fds[k])) << "thread " << w.tid;
  }
}

void round_trip(bool compress) {
  TempFile file(compress ? "round_trip.scap.gz" : "round_trip.scap");
  const CaptureMetadata metadata = sample_metadata();
  const std::vector<Event> events = sample_events();
  {
    ScapWriter w(file.path(), metadata, compress);
    for (const Event& e : events) w.write(e);
    w.close();
    EXPECT_EQ(w.events_written(), events.size());
  }
  std::ifstream raw(file.path(), std::ios::binary);
  unsigned char magic[2] = {};
  raw.read(reinterpret_cast<char*>(magic), 2);
  EXPECT_EQ(magic[0] == 0x1f && magic[1] == 0x8b, compress) << "gzip only with compress";

  std::string error;
  auto r = ScapReader::open_file(file.path(), &error);
  ASSERT_TRUE(r) << error;
  expect_same_metadata(metadata, r->metadata());
  Event got;
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    ASSERT_EQ(r->next(got), ScapReader::Status::kEvent) << r->error();
    const Event& want = events[i];
    EXPECT_EQ(got.num, i + 1);
    EXPECT_EQ(got.ts_ns, want.ts_ns);
    EXPECT_EQ(got.tid, want.tid);
    EXPECT_EQ(got.cpu, want.cpu);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.flags, want.flags);
    ASSERT_EQ(got.param_count(), want.param_count());
    for (size_t p = 0; p < want.param_count(); ++p) {
      auto g = got.param(p), w = want.param(p);
      EXPECT_EQ(std::vector<uint8_t>(g.begin(), g.end()), std::vector<uint8_t>(w.begin(), w.end()))
          << "parameter " << p;
    }
  }
  EXPECT_EQ(r->next(got), ScapReader::Status::kEnd) << r->error();
  EXPECT_EQ(r->counters().malformed_entries, 0u);
  EXPECT_EQ(r->counters().orphan_fd_lists, 0u);
}

TEST(ScapWriter, RoundTripPlain) { round_trip(false); }
TEST(ScapWriter, RoundTripGzip) { round_trip(true); }

// sysdig's default lines of a capture, as `vedetta events -r` prints them.
std::vector<std::string> default_lines(const std::string& path) {
  std::string error;
  auto r = ScapReader::open_file(path, &error);
  EXPECT_TRUE(r) << error;
  if (!r) return {};
  ThreadTable threads;
  threads.seed(r->metadata());
  StateTracker tracker(threads);
  OutputFilter filter;
  std::vector<std::string> lines;
  Event e;
  ScapReader::Status s;
  while ((s = r->next(e)) == ScapReader::Status::kEvent) {
    tracker.apply(e);
    if (filter.should_print(e)) lines.push_back(format_default_line(e, threads));
  }
  EXPECT_EQ(s, ScapReader::Status::kEnd) << path << ": " << r->error();
  return lines;
}

// Every corpus capture (sysdig and Falco writers, old and new block versions,
// many event types) read, written, read again: the same lines.
TEST(ScapWriter, CorpusCapturesRewrittenPrintTheSameLines) {
  const fs::path dir = VEDETTA_SCAP_CORPUS;
  if (!fs::exists(dir)) GTEST_SKIP() << "no corpus at " << dir;
  setenv("TZ", "UTC", 1);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".scap") continue;
    SCOPED_TRACE(entry.path().string());
    ++files;
    TempFile copy("corpus_" + entry.path().filename().string() + ".gz");
    const std::vector<std::string> want = default_lines(entry.path().string());
    {
      std::string error;
      auto r = ScapReader::open_file(entry.path().string(), &error);
      ASSERT_TRUE(r) << error;
      ScapWriter w(copy.path(), r->metadata(), /*compress=*/true);
      Event e;
      while (r->next(e) == ScapReader::Status::kEvent) w.write(e);
      w.close();
    }
    const std::vector<std::string> got = default_lines(copy.path());
    ASSERT_FALSE(want.empty());
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "line " << i;
  }
  EXPECT_GT(files, 5);
}

// sysdig 0.29.3 refuses a whole capture over one fd type it does not know.
TEST(ScapWriter, NewerFdTypesAreWrittenAsSysdig029SawThem) {
  TempFile file("fd_types.scap");
  CaptureMetadata m;
  ThreadEntry th;
  th.tid = th.pid = 7;
  th.fds = {named_fd(3, FdType::kMemfd, "/memfd:x (deleted)"),
            named_fd(4, FdType::kBpf, "anon_inode:bpf-map"),
            named_fd(5, FdType::kPidfd, "anon_inode:[pidfd]")};
  m.threads = {th};
  ScapWriter(file.path(), m, false).close();
  std::string error;
  auto r = ScapReader::open_file(file.path(), &error);
  ASSERT_TRUE(r) << error;
  const auto& fds = r->metadata().threads.at(0).fds;
  ASSERT_EQ(fds.size(), 3u);
  EXPECT_EQ(fds[0].type, FdType::kFileV2);
  EXPECT_EQ(fds[1].type, FdType::kUnsupported);
  EXPECT_EQ(fds[2].type, FdType::kUnsupported);
  EXPECT_EQ(fds[1].name, "anon_inode:bpf-map");
}

// A process with a 30 KB command line (CI runners have them) once made sysdig
// refuse the whole capture: "invalid argslen 25713". Strings are cut at
// libscap's own bounds, and Debian's sysdig reads the file.
TEST(ScapWriter, LongStringsAreCutWhereSysdigReadsThem) {
  TempFile file("long_strings.scap");
  CaptureMetadata m = sample_metadata();
  ThreadEntry& th = m.threads.at(0);
  th.args = std::string(30'000, 'a');
  th.exepath = "/" + std::string(3'000, 'e');
  th.cwd = "/" + std::string(3'000, 'c');
  th.comm = std::string(2'000, 'n');
  th.fds.push_back(named_fd(11, FdType::kFile, "/" + std::string(5'000, 'f')));
  m.users[1000] = std::string(600, 'u');
  {
    ScapWriter w(file.path(), m, false);
    std::vector<Event> events = sample_events();
    events.pop_back();  // the 70 KB one: sysdig 0.29.3 reads at most 64 KB per event
    for (const Event& e : events) w.write(e);
    w.close();
  }
  std::string error;
  auto r = ScapReader::open_file(file.path(), &error);
  ASSERT_TRUE(r) << error;
  const ThreadEntry& got = r->metadata().threads.at(0);
  EXPECT_EQ(got.args.size(), scap_limits::kArgs);
  EXPECT_EQ(got.cwd.size(), scap_limits::kPath);
  EXPECT_EQ(got.fds.back().name.size(), scap_limits::kPath);

  if (access("/usr/bin/sysdig", X_OK) != 0) {
    if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true")
      FAIL() << "Debian's sysdig is not installed (apt-get install sysdig)";
    GTEST_SKIP() << "Debian's sysdig is not installed (apt-get install sysdig)";
  }
  const std::string command = "/usr/bin/sysdig -r '" + file.path() + "' 2>&1";
  FILE* p = popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << out.substr(out.size() > 500 ? out.size() - 500 : 0);
  EXPECT_EQ(out.find("invalid"), std::string::npos) << out.substr(0, 500);
  EXPECT_NE(out.find("connect"), std::string::npos) << out.substr(0, 500);
}

TEST(ScapWriter, CannotCreateNamesTheFile) {
  try {
    ScapWriter w("/nonexistent-dir/x.scap", CaptureMetadata{}, false);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(), "cannot create '/nonexistent-dir/x.scap': No such file or directory");
  }
}

// A full disk shows when the buffered bytes go out, at the latest on close.
TEST(ScapWriter, FullDiskIsAnErrorNamingTheFile) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  for (bool compress : {false, true}) {
    std::string message;
    try {
      ScapWriter w("/dev/full", sample_metadata(), compress);
      for (int i = 0; i < 1000; ++i)
        for (const Event& e : sample_events()) w.write(e);
      w.close();
    } catch (const UserError& e) {
      message = e.what();
    }
    EXPECT_NE(message.find("/dev/full: cannot "), std::string::npos) << message;
    EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace vedetta::events
