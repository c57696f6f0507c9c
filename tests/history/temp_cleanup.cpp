// Removes this test process's temporary directories (test::temp_dir) at the
// end, unless a test failed: then they stay for a look (the database, the
// ClickHouse logs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace {

class RemoveTempDirs : public ::testing::Environment {
 public:
  void TearDown() override {
    if (::testing::UnitTest::GetInstance()->Failed()) return;
    const std::string suffix = "-" + std::to_string(getpid());
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
      const std::string name = entry.path().filename();
      if (name.rfind("vedetta-history-", 0) == 0 && name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        std::filesystem::remove_all(entry.path(), ec);
    }
  }
};

const auto* const kRegistered = ::testing::AddGlobalTestEnvironment(new RemoveTempDirs);

}  // namespace
