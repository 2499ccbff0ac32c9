#include "app/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mnad::app {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("mnad-config-test-" + std::to_string(::getpid()) + ".conf");
    for (const char* name : {"MNAD_LISTEN", "MNAD_IO_THREADS", "MNAD_CONFIG", "MNAD_TEST_CLOCK"})
      ::unsetenv(name);
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    ::unsetenv("MNAD_LISTEN");
    ::unsetenv("MNAD_IO_THREADS");
  }
  void WriteFile(const std::string& text) { std::ofstream(path_) << text; }
  std::optional<Config> Parse(std::vector<std::string> args, int* exit_code) {
    args.insert(args.begin(), "mnad");
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    return ParseConfig(static_cast<int>(argv.size()), argv.data(), exit_code);
  }

  std::filesystem::path path_;
};

TEST_F(ConfigTest, FileSetsWhatNothingElseSets) {
  WriteFile(
      "# comment\nlisten = 127.0.0.1:9999\nio-threads = 3\ntest-clock = true\n"
      "admin-listen = \"off\"\n");
  int exit_code = -1;
  std::optional<Config> config = Parse({"--config", path_.string()}, &exit_code);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->listen, "127.0.0.1:9999");
  EXPECT_EQ(config->io_threads, 3);
  EXPECT_TRUE(config->test_clock);
  EXPECT_EQ(config->admin_listen, "off");
  EXPECT_EQ(config->rate_limit_per_second, 20);  // the default
}

TEST_F(ConfigTest, EnvironmentBeatsTheFileAndFlagsBeatBoth) {
  WriteFile("listen = 127.0.0.1:9999\nio-threads = 3\n");
  ::setenv("MNAD_LISTEN", "127.0.0.1:7777", 1);
  ::setenv("MNAD_IO_THREADS", "5", 1);
  int exit_code = -1;
  std::optional<Config> config =
      Parse({"--config", path_.string(), "--io-threads", "7"}, &exit_code);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->listen, "127.0.0.1:7777");  // env over file
  EXPECT_EQ(config->io_threads, 7);             // flag over env and file
}

TEST_F(ConfigTest, UnknownSettingInTheFileStopsStartUp) {
  WriteFile("listen = 127.0.0.1:9999\nlisten-port = 1\n");
  int exit_code = -1;
  EXPECT_FALSE(Parse({"--config", path_.string()}, &exit_code).has_value());
  EXPECT_EQ(exit_code, 2);
}

TEST_F(ConfigTest, InvalidValueInTheFileIsRefusedLikeAFlag) {
  WriteFile("io-threads = many\n");
  int exit_code = -1;
  EXPECT_FALSE(Parse({"--config", path_.string()}, &exit_code).has_value());
  EXPECT_NE(exit_code, 0);
}

TEST_F(ConfigTest, MalformedListenAddressIsRefused) {
  int exit_code = -1;
  EXPECT_FALSE(Parse({"--listen", "nocolon"}, &exit_code).has_value());
  EXPECT_EQ(exit_code, 2);
}

TEST_F(ConfigTest, StoreUrlNamesAPostgresqlDatabaseAndExcludesTheInMemoryStore) {
  int exit_code = -1;
  std::optional<Config> config =
      Parse({"--store-url", "postgresql://mnad:pw@127.0.0.1:5432/mnad"}, &exit_code);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->store_url, "postgresql://mnad:pw@127.0.0.1:5432/mnad");
  EXPECT_TRUE(Parse({"--store-url", "postgres://h/db"}, &exit_code).has_value());
  exit_code = -1;
  EXPECT_FALSE(Parse({"--store-url", "mysql://h/db"}, &exit_code).has_value());
  EXPECT_NE(exit_code, 0);
  exit_code = -1;
  EXPECT_FALSE(Parse({"--store-url", "postgresql://h/db", "--in-memory"}, &exit_code).has_value());
  EXPECT_EQ(exit_code, 2);
}

}  // namespace
}  // namespace mnad::app
