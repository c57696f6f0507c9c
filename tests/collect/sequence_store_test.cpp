// collect::SequenceStore: what a collector remembers across its restarts.
#include "collect/sequence_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/user_error.h"

namespace vedetta::collect {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/vedetta-seq-XXXXXX";
    path = mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(SequenceStore, ValuesSurviveReopening) {
  TempDir d;
  const std::string file = d.path + "/s";
  {
    SequenceStore s(file);
    EXPECT_EQ(s.find("seq|a|1"), nullptr);
    *s.slot("seq|a|1") = 41;
    *s.slot("seq|b|2") = 7;
    *s.slot("seq|a|1") = 42;  // the same slot again
  }
  SequenceStore again(file);
  EXPECT_TRUE(again.warning().empty()) << again.warning();
  ASSERT_NE(again.find("seq|a|1"), nullptr);
  EXPECT_EQ(*again.find("seq|a|1"), 42u);
  EXPECT_EQ(*again.find("seq|b|2"), 7u);
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(SequenceStore, ASecondServerOnTheSameFileIsRefused) {
  TempDir d;
  SequenceStore first(d.path + "/s");
  try {
    SequenceStore second(d.path + "/s");
    FAIL() << "opened twice";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("another vedetta server"), std::string::npos) << e.what();
  }
}

TEST(SequenceStore, AFileThatIsNotAStoreStartsAfreshWithAWarning) {
  TempDir d;
  const std::string file = d.path + "/s";
  std::ofstream(file) << "not a sequence store";
  SequenceStore s(file);
  EXPECT_NE(s.warning().find("not a sequence store"), std::string::npos) << s.warning();
  EXPECT_EQ(s.find("anything"), nullptr);
  *s.slot("k") = 3;
  EXPECT_EQ(*s.find("k"), 3u);
}

TEST(SequenceStore, KeysTooLongOrTooManyAreCountedNotKept) {
  TempDir d;
  SequenceStore s(d.path + "/s");
  EXPECT_EQ(s.slot(std::string(SequenceStore::kMaxKeyBytes + 1, 'x')), nullptr);
  EXPECT_NE(s.slot(std::string(SequenceStore::kMaxKeyBytes, 'x')), nullptr);
  for (size_t i = 1; i < SequenceStore::kSlots; ++i) ASSERT_NE(s.slot(std::to_string(i)), nullptr);
  EXPECT_EQ(s.slot("one too many"), nullptr);
  EXPECT_EQ(s.not_kept(), 2u);
}

TEST(SequenceStore, AnUnwritableDirectoryIsNamed) {
  try {
    SequenceStore s("/nonexistent-dir/s");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/s"), std::string::npos);
  }
}

}  // namespace
}  // namespace vedetta::collect
