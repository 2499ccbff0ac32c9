#include "auth/credential_cache.h"

#include <gtest/gtest.h>

namespace mnad::auth {
namespace {

class CredentialCacheTest : public ::testing::Test {
 protected:
  CredentialCacheTest()
      : clock_(0),
        cache_(&clock_, 1000, [this](std::string_view id) -> Result<std::optional<Credential>> {
          ++lookups_;
          if (fail_) return Fail(ErrorCode::kInternalError, "store down");
          if (id != "AKIDknown") return std::nullopt;
          return Credential{key_, {}};
        }) {}

  FakeClock clock_;
  int lookups_ = 0;
  bool fail_ = false;
  std::string key_ = "first-key";
  CredentialCache cache_;
};

TEST_F(CredentialCacheTest, ServesRepeatedLookupsUntilTheEntryExpires) {
  EXPECT_EQ(cache_.Find("AKIDknown")->value().secret_key, "first-key");
  key_ = "rotated-key";
  EXPECT_EQ(cache_.Find("AKIDknown")->value().secret_key, "first-key");
  EXPECT_EQ(lookups_, 1);
  clock_.AdvanceMillis(1000);
  EXPECT_EQ(cache_.Find("AKIDknown")->value().secret_key, "rotated-key");
  EXPECT_EQ(lookups_, 2);
}

TEST_F(CredentialCacheTest, CachesUnknownKeysButNotFailures) {
  EXPECT_FALSE(cache_.Find("AKIDnobody")->has_value());
  EXPECT_FALSE(cache_.Find("AKIDnobody")->has_value());
  EXPECT_EQ(lookups_, 1);
  fail_ = true;
  EXPECT_FALSE(cache_.Find("AKIDother").has_value());
  EXPECT_FALSE(cache_.Find("AKIDother").has_value());
  EXPECT_EQ(lookups_, 3);
}

TEST_F(CredentialCacheTest, ClearTakesEffectAtOnce) {
  cache_.Find("AKIDknown");
  key_ = "rotated-key";
  cache_.Clear();
  EXPECT_EQ(cache_.Find("AKIDknown")->value().secret_key, "rotated-key");
}

}  // namespace
}  // namespace mnad::auth
