// events/scap_reader.cpp: blocks, metadata, both event block versions, the
// corpus files, and damaged input (every truncation length, flipped bytes).
#include "events/scap_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <random>

#include "scap_builder.h"

namespace vedetta::events {
namespace {

using test::ScapBuilder;
using test::TestEvent;

std::vector<uint8_t> small_capture() {
  ScapBuilder b;
  b.user(0, "root").thread(100, 100, "sshd", "/root").file_fd(100, 3, "/etc/passwd");
  b.event({1'000'000'000, 100, 4, {test::p_u64(3)}});  // > close fd=3
  b.event({1'000'000'500, 100, 5, {test::p_u64(0)}});  // < close res=0
  b.event({1'000'001'000, 100, 6, {test::p_u64(0), test::p_u32(16)}}, /*v1=*/true);  // > read
  b.event({1'000'002'000, 100, 7, {test::p_u64(5), test::p_buf("hello")}});          // < read
  return b.bytes;
}

TEST(ScapReader, ReadsMetadataAndEvents) {
  std::string error;
  auto r = ScapReader::open_bytes(small_capture(), &error);
  ASSERT_TRUE(r) << error;
  const CaptureMetadata& m = r->metadata();
  ASSERT_EQ(m.threads.size(), 1u);
  EXPECT_EQ(m.threads[0].tid, 100);
  EXPECT_EQ(m.threads[0].comm, "sshd");
  EXPECT_EQ(m.threads[0].cwd, "/root");
  ASSERT_EQ(m.threads[0].fds.size(), 1u);
  EXPECT_EQ(m.threads[0].fds[0].name, "/etc/passwd");
  EXPECT_EQ(m.users.at(0), "root");

  Event e;
  ASSERT_EQ(r->next(e), ScapReader::Status::kEvent);
  EXPECT_EQ(e.num, 1u);
  EXPECT_EQ(e.type, 4);
  EXPECT_EQ(e.tid, 100);
  ASSERT_EQ(e.param_count(), 1u);
  ASSERT_EQ(r->next(e), ScapReader::Status::kEvent);
  ASSERT_EQ(r->next(e), ScapReader::Status::kEvent);
  EXPECT_EQ(e.num, 3u);
  EXPECT_EQ(e.param_count(), 2u) << "v1 events: parameter count inferred from the lengths";
  ASSERT_EQ(r->next(e), ScapReader::Status::kEvent);
  auto data = e.param(1);
  EXPECT_EQ(std::string(data.begin(), data.end()), "hello");
  EXPECT_EQ(r->next(e), ScapReader::Status::kEnd);
  EXPECT_EQ(r->next(e), ScapReader::Status::kEnd);
}

TEST(ScapReader, V1EventWithFewerParametersThanTheTable) {
  // An old writer's open exit had 4 parameters; the table knows 5.
  ScapBuilder b;
  b.event({1, 7, 3, {test::p_u64(3), test::p_str("/x"), test::p_u32(1), test::p_u32(0)}}, true);
  std::string error;
  auto r = ScapReader::open_bytes(b.bytes, &error);
  ASSERT_TRUE(r) << error;
  Event e;
  ASSERT_EQ(r->next(e), ScapReader::Status::kEvent);
  EXPECT_EQ(e.param_count(), 4u);
}

TEST(ScapReader, UnknownBlocksAreSkippedAndUnknownEventsNotNumbered) {
  ScapBuilder b;
  b.block(0x999, {1, 2, 3, 4, 5});
  b.event({1, 7, 999, {test::p_u64(1)}});  // newer than the table
  b.event({2, 7, 4, {test::p_u64(1)}});
  std::string error;
  auto r = ScapReader::open_bytes(b.bytes, &error);
  ASSERT_TRUE(r) << error;
  Event e;
  ASSERT_EQ(r->next(e), ScapReader::Status::kEvent);
  EXPECT_EQ(e.type, 4);
  EXPECT_EQ(e.num, 1u);
  EXPECT_EQ(r->counters().skipped_blocks, 1u);
  EXPECT_EQ(r->counters().unknown_events, 1u);
}

TEST(ScapReader, ProcessListV9ToleratesShortAndLongerEntries) {
  // One thread written by an older writer (stops after the cwd), one by a
  // newer one (8 unknown bytes appended): both read, the next entry found.
  auto entry = [](int64_t tid, const std::string& comm, size_t extra, bool full) {
    test::Bytes t;
    t.put<int64_t>(tid).put<int64_t>(tid).put<int64_t>(1).put<int64_t>(tid).put<int64_t>(tid);
    t.str16(comm).str16("/bin/" + comm).str16("/bin/" + comm).str16("").str16("/tmp");
    if (full) t.put<uint64_t>(1024).put<uint32_t>(0).put<uint32_t>(1000).put<uint32_t>(1000);
    for (size_t i = 0; i < extra; ++i) t.put<uint8_t>(0xEE);
    test::Bytes e;
    e.put<uint32_t>(static_cast<uint32_t>(4 + t.data.size())).raw(t.data);
    return e.data;
  };
  test::Bytes body;
  body.raw(entry(5, "old", 0, false)).raw(entry(6, "new", 8, true));
  ScapBuilder b;
  b.block(0x215, body.data);
  std::string error;
  auto r = ScapReader::open_bytes(b.bytes, &error);
  ASSERT_TRUE(r) << error;
  ASSERT_EQ(r->metadata().threads.size(), 2u);
  EXPECT_EQ(r->metadata().threads[0].comm, "old");
  EXPECT_EQ(r->metadata().threads[0].uid, 0u);
  EXPECT_EQ(r->metadata().threads[1].comm, "new");
  EXPECT_EQ(r->metadata().threads[1].uid, 1000u);
  EXPECT_EQ(r->counters().malformed_entries, 0u);
}

TEST(ScapReader, RejectsWhatIsNotACapture) {
  std::string error;
  EXPECT_FALSE(ScapReader::open_bytes({}, &error));
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  std::vector<uint8_t> pcap = {0xd4, 0xc3, 0xb2, 0xa1, 2,    0,    4, 0, 0, 0, 0, 0,
                               0,    0,    0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0};
  EXPECT_FALSE(ScapReader::open_bytes(pcap, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(ScapReader::open_file("/nonexistent/x.scap", &error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

TEST(ScapReader, BadEventLengthIsAnErrorWithTheBlockOffset) {
  ScapBuilder b;
  size_t first_event = b.bytes.size();
  b.event({1, 7, 4, {test::p_u64(1)}});
  // Claim a longer event than the block holds.
  b.bytes[first_event + 8 + 2 + 16] = 0xff;
  std::string error;
  auto r = ScapReader::open_bytes(b.bytes, &error);
  ASSERT_TRUE(r) << error;
  Event e;
  ASSERT_EQ(r->next(e), ScapReader::Status::kError);
  EXPECT_EQ(r->error_offset(), first_event);
  EXPECT_NE(r->error().find("byte " + std::to_string(first_event)), std::string::npos)
      << r->error();
}

// Every prefix of a valid capture: the events wholly before the cut come
// out, then either a clean end (cut at a block boundary) or an error whose
// offset is where the damaged block starts.
TEST(ScapReader, EveryTruncationLengthIsReportedNeverCrashes) {
  std::vector<uint8_t> full = small_capture();
  // Block boundaries and the number of events that end at or before each.
  std::vector<size_t> ends;
  {
    size_t off = 0;
    while (off < full.size()) {
      uint32_t len;
      std::memcpy(&len, full.data() + off + 4, 4);
      off += len;
      ends.push_back(off);
    }
  }
  for (size_t cut = 0; cut < full.size(); ++cut) {
    std::vector<uint8_t> part(full.begin(), full.begin() + cut);
    std::string error;
    auto r = ScapReader::open_bytes(part, &error);
    if (!r) {
      EXPECT_FALSE(error.empty()) << "cut " << cut;
      continue;
    }
    Event e;
    size_t events = 0;
    ScapReader::Status s;
    while ((s = r->next(e)) == ScapReader::Status::kEvent) ++events;
    size_t whole_events = 0;
    for (size_t i = ends.size() - 4; i < ends.size(); ++i)
      if (ends[i] <= cut) ++whole_events;
    EXPECT_EQ(events, whole_events) << "cut " << cut;
    bool at_boundary = std::find(ends.begin(), ends.end(), cut) != ends.end();
    if (at_boundary) {
      EXPECT_EQ(s, ScapReader::Status::kEnd) << "cut " << cut;
    } else {
      ASSERT_EQ(s, ScapReader::Status::kError) << "cut " << cut;
      EXPECT_LE(r->error_offset(), cut);
      EXPECT_NE(r->error().find("byte "), std::string::npos);
    }
  }
}

TEST(ScapReader, FlippedBytesNeverCrash) {
  std::vector<uint8_t> full = small_capture();
  std::mt19937 rng(42);
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> bad = full;
    int flips = 1 + round % 4;
    for (int i = 0; i < flips; ++i)
      bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    std::string error;
    auto r = ScapReader::open_bytes(bad, &error);
    if (!r) continue;
    Event e;
    int n = 0;
    while (r->next(e) == ScapReader::Status::kEvent && n < 100) {
      for (size_t i = 0; i < e.param_count(); ++i) {
        auto p = e.param(i);
        ASSERT_LE(p.data() + p.size(), e.bytes.data() + e.bytes.size());
      }
      ++n;
    }
  }
}

// The shared corpus (sysdig/Falco captures): every file reads to the end.
TEST(ScapReader, ReadsEveryCorpusFile) {
  std::filesystem::path dir = VEDETTA_SCAP_CORPUS;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no corpus at " << dir;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".scap") continue;
    ++files;
    std::string error;
    auto r = ScapReader::open_file(entry.path().string(), &error);
    ASSERT_TRUE(r) << error;
    EXPECT_FALSE(r->metadata().threads.empty()) << entry.path();
    EXPECT_EQ(r->counters().malformed_entries, 0u) << entry.path();
    Event e;
    uint64_t n = 0;
    ScapReader::Status s;
    while ((s = r->next(e)) == ScapReader::Status::kEvent) ++n;
    EXPECT_EQ(s, ScapReader::Status::kEnd) << entry.path() << ": " << r->error();
    EXPECT_GT(n, 0u) << entry.path();
  }
  EXPECT_GT(files, 0u);
}

// Corpus bytes with damage in the event blocks: the reader stops with an
// error or reads on, but never reads outside what it was given.
TEST(ScapReader, DamagedCorpusFileNeverCrashes) {
  std::filesystem::path path = std::filesystem::path(VEDETTA_SCAP_CORPUS) / "syscall.scap";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  gzFile f = gzopen(path.c_str(), "rb");
  ASSERT_TRUE(f);
  std::vector<uint8_t> bytes;
  uint8_t buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  gzclose(f);
  ASSERT_GT(bytes.size(), 200000u);
  std::mt19937 rng(1);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> bad = bytes;
    for (int i = 0; i < 8; ++i) {
      size_t at = bytes.size() - 1 - rng() % 60000;  // the events are at the end
      bad[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    std::string error;
    auto r = ScapReader::open_bytes(std::move(bad), &error);
    ASSERT_TRUE(r) << error;
    Event e;
    ScapReader::Status s;
    while ((s = r->next(e)) == ScapReader::Status::kEvent) {
    }
    if (s == ScapReader::Status::kError) {
      EXPECT_LT(r->error_offset(), bytes.size());
    }
  }
}

}  // namespace
}  // namespace vedetta::events
