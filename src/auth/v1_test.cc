#include "auth/v1.h"

#include <gtest/gtest.h>

namespace mnad::auth {
namespace {

// The published HmacSHA1 example of Tencent's legacy signature document.
TEST(V1Test, PublishedHmacSha1Vector) {
  FormParams params = {
      {"Nonce", "11886"},
      {"Timestamp", "1465185768"},
      {"SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"},
      {"Action", "DescribeInstances"},
      {"Version", "2017-03-12"},
      {"Region", "ap-guangzhou"},
      {"InstanceIds.0", "ins-09dx96dg"},
      {"Limit", "20"},
      {"Offset", "0"},
      {"Signature", "ignored when signing"},
  };
  std::string string_to_sign = V1StringToSign("GET", "cvm.tencentcloudapi.com", "/", params);
  EXPECT_EQ(
      string_to_sign,
      "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20"
      "&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
      "&Timestamp=1465185768&Version=2017-03-12");
  EXPECT_EQ(V1Signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "HmacSHA1", string_to_sign),
            "EliP9YW3pW28FpsEdkXt/+WcGeI=");
}

TEST(V1Test, HmacSha256IsChosenOnlyByItsExactName) {
  std::string sha1 = V1Signature("key", "HmacSHA1", "text");
  std::string sha256 = V1Signature("key", "HmacSHA256", "text");
  EXPECT_NE(sha1, sha256);
  EXPECT_EQ(sha1.size(), 28u);    // base64 of 20 bytes
  EXPECT_EQ(sha256.size(), 44u);  // base64 of 32 bytes
  EXPECT_EQ(V1Signature("key", "anything-else", "text"), sha1);
}

}  // namespace
}  // namespace mnad::auth
