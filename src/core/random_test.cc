#include "core/random.h"

#include <gtest/gtest.h>

#include <regex>

namespace mnad {
namespace {

TEST(RandomTest, UuidIsVersion4InCanonicalText) {
  SequenceRandom random(7);
  std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::string first = random.Uuid();
  EXPECT_TRUE(std::regex_match(first, v4)) << first;
  EXPECT_NE(random.Uuid(), first);
}

TEST(RandomTest, TimeOrderedUuidIsVersion7CarryingTheMillisecondsFirst) {
  SequenceRandom random(7);
  // 0x0123456789ab milliseconds: the first 12 hex digits, around the dash.
  std::string id = random.TimeOrderedUuid(0x0123456789ab);
  std::regex v7("01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(id, v7)) << id;
  // Later milliseconds sort later as text.
  EXPECT_LT(random.TimeOrderedUuid(1'780'000'000'000), random.TimeOrderedUuid(1'780'000'000'001));
}

}  // namespace
}  // namespace mnad
