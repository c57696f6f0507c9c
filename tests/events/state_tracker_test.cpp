// events/state_tracker.cpp and event_formatter.cpp: what events do to the
// thread and fd tables, and the printed line.
#include "events/state_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "events/event_formatter.h"
#include "events/scap_reader.h"
#include "scap_builder.h"

namespace vedetta::events {
namespace {

using test::TestEvent;

Event make(const TestEvent& t, uint64_t num = 1) { return test::make_event(t, num); }

struct Fixture : ::testing::Test {
  Fixture() {
    CaptureMetadata m;
    ThreadEntry t;
    t.tid = t.pid = 10;
    t.comm = "bash";
    t.cwd = "/home/u";
    m.threads.push_back(t);
    threads.seed(m);
    setenv("TZ", "UTC", 1);
  }
  void apply(const TestEvent& t) { tracker.apply(make(t)); }
  ThreadTable threads;
  StateTracker tracker{threads};
};

TEST_F(Fixture, OpenAddsAFileFdAndCloseRemovesIt) {
  apply({1, 10, 2, {test::p_str("notes"), test::p_u32(1), test::p_u32(0)}});
  apply({2, 10, 3, {test::p_u64(5), test::p_str("notes"), test::p_u32(1), test::p_u32(0)}});
  ASSERT_TRUE(threads.find_fd(10, 5));
  EXPECT_EQ(threads.find_fd(10, 5)->name, "/home/u/notes");
  EXPECT_EQ(threads.find_fd(10, 5)->type, FdType::kFile);
  apply({3, 10, 4, {test::p_u64(5)}});
  apply({4, 10, 5, {test::p_u64(0)}});
  EXPECT_FALSE(threads.find_fd(10, 5));
}

TEST_F(Fixture, SocketConnectNamesTheFd) {
  apply({1, 10, 18, {test::p_u32(2), test::p_u32(1), test::p_u32(6)}});
  apply({2, 10, 19, {test::p_u64(3)}});
  ASSERT_TRUE(threads.find_fd(10, 3));
  EXPECT_EQ(threads.find_fd(10, 3)->type, FdType::kIpv4Sock);
  const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  apply({3, 10, 22, {test::p_u64(3)}});
  apply({4, 10, 23, {test::p_u64(0), test::p_tuple4(a, 40000, b, 80)}});
  Event read = make({5, 10, 6, {test::p_u64(3), test::p_u32(100)}}, 7);
  EXPECT_EQ(format_default_line(read, threads),
            "7 00:00:00.000000005 0 bash (10) > read fd=3(<4t>10.0.0.1:40000->10.0.0.2:80) "
            "size=100 ");
}

// sysdig: a send/receive that gives a socket of unknown protocol an address
// makes it UDP (TCP would not change address mid-connection).
TEST_F(Fixture, SendtoOnASocketOfUnknownProtocolMakesItUdp) {
  const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  apply({1, 10, 30, {test::p_u64(7), test::p_u32(5), test::p_tuple4(a, 1, b, 2)}});
  apply({2, 10, 31, {test::p_u64(5), test::p_buf("hello")}});
  ASSERT_TRUE(threads.find_fd(10, 7));
  EXPECT_EQ(threads.find_fd(10, 7)->type, FdType::kIpv4Sock);
  EXPECT_EQ(threads.find_fd(10, 7)->l4, L4Proto::kUdp);
  EXPECT_EQ(threads.find_fd(10, 7)->name, "10.0.0.1:1->10.0.0.2:2");
}

TEST_F(Fixture, ExitsTakeTheirEnterEventsPathOnce) {
  // open enter says "a", exit says "b": sysdig names the fd after the enter.
  apply({1, 10, 2, {test::p_str("a"), test::p_u32(1), test::p_u32(0)}});
  apply({2, 10, 3, {test::p_u64(5), test::p_str("b"), test::p_u32(1), test::p_u32(0)}});
  EXPECT_EQ(threads.find_fd(10, 5)->name, "/home/u/a");
  // A second exit finds the enter used up and takes its own parameters.
  apply({3, 10, 3, {test::p_u64(6), test::p_str("c"), test::p_u32(1), test::p_u32(0)}});
  EXPECT_EQ(threads.find_fd(10, 6)->name, "/home/u/c");
}

TEST_F(Fixture, SocketProtocolShowsOnceItHasAnAddress) {
  apply({1, 10, 18, {test::p_u32(10), test::p_u32(1), test::p_u32(6)}});  // AF_INET6 stream
  apply({2, 10, 19, {test::p_u64(3)}});
  Event e = make({3, 10, 24, {test::p_u64(3), test::p_u32(5)}});  // listen
  EXPECT_NE(format_default_line(e, threads).find("fd=3(<6>)"), std::string::npos);
  apply({4, 10, 20, {test::p_u64(3)}});  // bind to [::]:8080: an IPv4 server too
  std::vector<uint8_t> any(19, 0);
  any[0] = 10;
  any[17] = 0x90, any[18] = 0x1f;
  apply({5, 10, 21, {test::p_u64(0), any}});
  EXPECT_NE(format_default_line(e, threads).find("fd=3(<4t>:::8080)"), std::string::npos)
      << format_default_line(e, threads);
}

TEST_F(Fixture, UdpTuplesNameTheSocket) {
  apply({1, 10, 18, {test::p_u32(2), test::p_u32(2), test::p_u32(17)}});
  apply({2, 10, 19, {test::p_u64(4)}});
  const uint8_t any[4] = {0, 0, 0, 0}, dns[4] = {8, 8, 8, 8}, me[4] = {10, 0, 0, 2};
  apply({3, 10, 30, {test::p_u64(4), test::p_u32(20), test::p_tuple4(any, 0, dns, 53)}});
  apply({4, 10, 31, {test::p_u64(20), test::p_buf("q")}});
  EXPECT_EQ(threads.find_fd(10, 4)->name, "0.0.0.0:0->8.8.8.8:53");
  EXPECT_EQ(threads.find_fd(10, 4)->l4, L4Proto::kUdp);
  // recvfrom: the tuple's source replaces the first end only, as sysdig does.
  apply({5, 10, 34, {test::p_u64(4), test::p_u32(512)}});
  apply({6, 10, 35, {test::p_u64(4), test::p_buf("a"), test::p_tuple4(dns, 53, me, 3333)}});
  EXPECT_EQ(threads.find_fd(10, 4)->name, "8.8.8.8:53->8.8.8.8:53");
}

TEST_F(Fixture, ExitOnlyCapturesCarryTheEnterParametersThemselves) {
  // Since 2024 the drivers emit exit events only, with the enter's parameters appended.
  const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  apply({1, 10, 19, {test::p_u64(3), test::p_u32(2), test::p_u32(1), test::p_u32(6)}});
  apply({2, 10, 23, {test::p_u64(0), test::p_tuple4(a, 40000, b, 443), test::p_u64(3)}});
  ASSERT_TRUE(threads.find_fd(10, 3));
  EXPECT_EQ(threads.find_fd(10, 3)->name, "10.0.0.1:40000->10.0.0.2:443");
  EXPECT_EQ(threads.find_fd(10, 3)->l4, L4Proto::kTcp);
  apply({3, 10, 5, {test::p_u64(0), test::p_u64(3)}});  // close exit: res, fd
  EXPECT_FALSE(threads.find_fd(10, 3));
  // Only what the table names is printed: socket's exit shows its fd.
  Event e = make({4, 10, 19, {test::p_u64(7), test::p_u32(2), test::p_u32(1), test::p_u32(6)}});
  tracker.apply(e);
  EXPECT_EQ(format_default_line(e, threads), "1 00:00:00.000000004 0 bash (10) < socket fd=7(<4>) ");
}

TEST_F(Fixture, CloneCreatesTheChildAndExecveRenamesIt) {
  // clone_20 exit in the parent: res = child tid.
  std::vector<std::vector<uint8_t>> p = {
      test::p_u64(11), test::p_str("/bin/bash"), test::p_buf(""),        test::p_u64(10),
      test::p_u64(10), test::p_u64(1),           test::p_str("/home/u"), test::p_u64(1024),
      test::p_u64(0),  test::p_u64(0),           test::p_u32(0),         test::p_u32(0),
      test::p_u32(0),  test::p_str("bash"),      test::p_buf(""),        test::p_u32(0),
      test::p_u32(0),  test::p_u32(0),           test::p_u64(10),        test::p_u64(10)};
  apply({1, 10, 223, p});
  ASSERT_TRUE(threads.find(11));
  EXPECT_EQ(threads.find(11)->comm, "bash");
  EXPECT_EQ(threads.find(11)->ptid, 10);
  // execve_19 exit in the child.
  std::vector<std::vector<uint8_t>> x = {
      test::p_u64(0),  test::p_str("ls"),   test::p_buf("-l"), test::p_u64(11),  test::p_u64(11),
      test::p_u64(10), test::p_str("/tmp"), test::p_u64(1024), test::p_u64(0),   test::p_u64(0),
      test::p_u32(0),  test::p_u32(0),      test::p_u32(0),    test::p_str("ls")};
  apply({2, 11, 293, x});
  EXPECT_EQ(threads.find(11)->comm, "ls");
  EXPECT_EQ(threads.find(11)->cwd, "/tmp/");
}

TEST_F(Fixture, UnknownThreadsPrintAsNA) {
  Event e = make({1'000'000'000, 99, 24, {test::p_u64(3), test::p_u32(5)}}, 3);
  tracker.apply(e);
  EXPECT_EQ(format_default_line(e, threads),
            "3 00:00:01.000000000 0 <NA> (99) > listen fd=3 backlog=5 ");
}

TEST_F(Fixture, GenericEventsPrintTheSyscallName) {
  Event e = make({0, 10, 1, {test::p_u16(209)}});
  EXPECT_EQ(format_default_line(e, threads), "1 00:00:00.000000000 0 bash (10) < pselect6 ");
}

TEST(OutputFilter, HidesInternalEventsAndTheLeadingContainerDump) {
  OutputFilter f;
  EXPECT_FALSE(f.should_print(make({0, -1, 272, {test::p_str("{}")}})));
  EXPECT_FALSE(f.should_print(make({0, 1, 234, {test::p_u64(0), test::p_u64(0)}})));
  EXPECT_TRUE(f.should_print(make({0, 1, 4, {test::p_u64(0)}})));
  EXPECT_TRUE(f.should_print(make({0, -1, 272, {test::p_str("{}")}})));
}

}  // namespace
}  // namespace vedetta::events

namespace vedetta::events {
namespace {

std::vector<std::filesystem::path> corpus_files() {
  std::vector<std::filesystem::path> files;
  std::filesystem::path dir = VEDETTA_SCAP_CORPUS;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".scap") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The whole pipeline (reader, state, formatter) over every corpus capture.
TEST(Pipeline, FormatsEveryCorpusEvent) {
  auto files = corpus_files();
  if (files.empty()) GTEST_SKIP() << "no corpus at " << VEDETTA_SCAP_CORPUS;
  for (const auto& path : files) {
    std::string error;
    auto r = ScapReader::open_file(path.string(), &error);
    ASSERT_TRUE(r) << error;
    ThreadTable threads;
    threads.seed(r->metadata());
    StateTracker tracker(threads);
    OutputFilter filter;
    Event e;
    size_t lines = 0;
    while (r->next(e) == ScapReader::Status::kEvent) {
      tracker.apply(e);
      if (!filter.should_print(e)) continue;
      std::string line = format_default_line(e, threads);
      EXPECT_EQ(line.rfind(std::to_string(e.num) + " ", 0), 0u) << line;
      ++lines;
    }
    EXPECT_GT(lines, 0u) << path;
  }
}

// Real events with damaged parameters (cut short, emptied, random bytes):
// the state tracker and the formatter take anything.
TEST(Pipeline, DamagedParametersNeverCrash) {
  auto files = corpus_files();
  if (files.empty()) GTEST_SKIP() << "no corpus at " << VEDETTA_SCAP_CORPUS;
  std::vector<Event> events;
  for (const auto& path : files) {
    std::string error;
    auto r = ScapReader::open_file(path.string(), &error);
    ASSERT_TRUE(r) << error;
    Event e;
    while (r->next(e) == ScapReader::Status::kEvent && events.size() < 20000) {
      if (e.type != 234) events.push_back(e);  // procinfo: not interesting here
    }
  }
  ASSERT_FALSE(events.empty());
  std::mt19937 rng(7);
  ThreadTable threads;
  StateTracker tracker(threads);
  for (int round = 0; round < 20000; ++round) {
    Event e = events[rng() % events.size()];
    for (auto& [off, len] : e.spans) {
      switch (rng() % 4) {
        case 0:
          len = len ? static_cast<uint32_t>(rng() % len) : 0;
          break;  // cut short
        case 1:
          len = 0;
          break;  // empty
        case 2:
          for (uint32_t i = 0; i < len; ++i) e.bytes[off + i] = static_cast<uint8_t>(rng());
          break;
        default:
          break;
      }
    }
    if (rng() % 8 == 0) e.spans.resize(rng() % (e.spans.size() + 1));  // fewer parameters
    e.tid = static_cast<int64_t>(rng() % 64);
    tracker.apply(e);
    std::string line = format_default_line(e, threads);
    EXPECT_FALSE(line.empty());
  }
}

TEST(ThreadTableSeed, OnlyThreadsListedWithCloneFilesShareTheMainThreadsFds) {
  CaptureMetadata m;
  for (int64_t tid : {10, 11, 12}) {
    ThreadEntry t;
    t.tid = tid;
    t.pid = 10;
    t.flags = tid == 11 ? kCloneFiles | kCloneThread : 0;
    m.threads.push_back(t);
  }
  FdEntry fd;
  fd.fd = 3;
  fd.type = FdType::kFile;
  fd.name = "/etc/hosts";
  m.threads[0].fds.push_back(fd);
  ThreadTable threads;
  threads.seed(m);
  ASSERT_NE(threads.find_fd(11, 3), nullptr);
  EXPECT_EQ(threads.find_fd(11, 3)->name, "/etc/hosts");
  EXPECT_EQ(threads.find_fd(12, 3), nullptr);  // sysdig gives it a table of its own
}

}  // namespace
}  // namespace vedetta::events
