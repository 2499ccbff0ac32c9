// Tests only: a fresh, empty directory for the running test, removed when
// the object goes. Its name holds the process id and the test's name, so
// test processes run in parallel never share one.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace mnad {

class TestDirectory {
 public:
  // Under `base` (the system's temporary directory by default; /dev/shm for
  // a store in memory).
  explicit TestDirectory(std::string_view prefix,
                         const std::filesystem::path& base = std::filesystem::temp_directory_path())
      : path_(base / (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + TestName())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TestDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TestDirectory(const TestDirectory&) = delete;
  TestDirectory& operator=(const TestDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  // The current test's name, one path segment ("Case/Param" -> "Case-Param").
  static std::string TestName() {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (c == '/') c = '-';
    }
    return name;
  }

  std::filesystem::path path_;
};

}  // namespace mnad
