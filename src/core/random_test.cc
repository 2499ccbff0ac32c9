#include "core/random.h"

#include <gtest/gtest.h>

#include <string_view>

namespace mnad {
namespace {

// Whether `text` matches `shape`: '.' stands for a lower-case hex digit,
// 'v' for one of 8, 9, a, b; any other character stands for itself.
bool Matches(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (shape[i] == '.'   ? !hex
        : shape[i] == 'v' ? (c != '8' && c != '9' && c != 'a' && c != 'b')
                          : c != shape[i])
      return false;
  }
  return true;
}

TEST(RandomTest, UuidIsVersion4InCanonicalText) {
  SequenceRandom random(7);
  std::string first = random.Uuid();
  EXPECT_TRUE(Matches(first, "........-....-4...-v...-............")) << first;
  EXPECT_NE(random.Uuid(), first);
}

TEST(RandomTest, TimeOrderedUuidIsVersion7CarryingTheMillisecondsFirst) {
  SequenceRandom random(7);
  // 0x0123456789ab milliseconds: the first 12 hex digits, around the dash.
  std::string id = random.TimeOrderedUuid(0x0123456789ab);
  EXPECT_TRUE(Matches(id, "01234567-89ab-7...-v...-............")) << id;
  // Later milliseconds sort later as text.
  EXPECT_LT(random.TimeOrderedUuid(1'780'000'000'000), random.TimeOrderedUuid(1'780'000'000'001));
}

}  // namespace
}  // namespace mnad
