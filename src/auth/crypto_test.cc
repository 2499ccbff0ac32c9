#include "auth/crypto.h"

#include <gtest/gtest.h>

namespace mnad::auth {
namespace {

TEST(CryptoTest, SignerMatchesOneShotHmacForEveryMessage) {
  // RFC 4231 test case 2.
  HmacSha256Signer signer("Jefe");
  EXPECT_EQ(HexLower(signer.Sign("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The key survives a message: the same signer, other messages.
  for (const std::string& message :
       {std::string(), std::string("a"), std::string(200, 'x'), std::string("what do ya want")}) {
    EXPECT_EQ(signer.Sign(message), HmacSha256("Jefe", message)) << message;
  }
}

TEST(CryptoTest, SignerWithALongKeyHashesItFirst) {
  std::string key(131, '\xaa');  // RFC 4231 test case 6
  HmacSha256Signer signer(key);
  EXPECT_EQ(HexLower(signer.Sign("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

}  // namespace
}  // namespace mnad::auth
