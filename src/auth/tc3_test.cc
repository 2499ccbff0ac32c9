#include "auth/tc3.h"

#include <gtest/gtest.h>

#include "auth/crypto.h"

namespace mnad::auth {
namespace {

// The published example of Tencent's signature v3 document.
constexpr char kSecretKey[] = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
constexpr char kTimestamp[] = "1551113065";
constexpr char kBody[] =
    R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";

std::string FromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

Tc3CanonicalParts VectorParts() {
  Tc3CanonicalParts parts;
  parts.method = "POST";
  parts.canonical_uri = "/";
  parts.canonical_query = "";
  parts.canonical_headers =
      "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n";
  parts.signed_headers = "content-type;host";
  parts.hashed_payload = HexLower(Sha256(kBody));
  return parts;
}

TEST(Tc3Test, VectorAPayloadCanonicalRequestAndSignature) {
  Tc3CanonicalParts parts = VectorParts();
  EXPECT_EQ(parts.hashed_payload,
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
  std::string canonical = Tc3CanonicalRequest(parts);
  EXPECT_EQ(HexLower(Sha256(canonical)),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
  std::string string_to_sign = Tc3StringToSign(kTimestamp, "2019-02-25", "cvm", canonical);
  std::string key = Tc3SigningKey(kSecretKey, "2019-02-25", "cvm");
  EXPECT_EQ(Tc3Signature(key, string_to_sign),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
}

TEST(Tc3Test, VectorBSignsTheLowerCasedActionHeader) {
  Tc3CanonicalParts parts = VectorParts();
  parts.canonical_headers += "x-tc-action:describeinstances\n";
  parts.signed_headers = "content-type;host;x-tc-action";
  std::string canonical = Tc3CanonicalRequest(parts);
  EXPECT_EQ(HexLower(Sha256(canonical)),
            "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  // The current document redacts the secret key but publishes kSigning.
  std::string key = FromHex("b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af");
  std::string string_to_sign = Tc3StringToSign(kTimestamp, "2019-02-25", "cvm", canonical);
  EXPECT_EQ(Tc3Signature(key, string_to_sign),
            "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");
}

TEST(Tc3Test, ParsesTheSdkAuthorizationHeader) {
  Result<Tc3Authorization> parsed = ParseTc3Authorization(
      "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2019-02-25/cvm/tc3_request, "
      "SignedHeaders=content-type;host, "
      "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->secret_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->date, "2019-02-25");
  EXPECT_EQ(parsed->service, "cvm");
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"content-type", "host"}));
}

TEST(Tc3Test, AcceptsCommasWithoutSpacesAndMixedCaseHeaderNames) {
  Result<Tc3Authorization> parsed = ParseTc3Authorization(
      "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/127/tc3_request,SignedHeaders=Content-Type;Host,"
      "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->service, "127");
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"content-type", "host"}));
}

TEST(Tc3Test, RejectsMalformedHeadersAsInvalidAuthorization) {
  for (const char* header : {
           "SKIP",
           "TC3-HMAC-SHA256",
           "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm, SignedHeaders=host, Signature=00",
           "TC3-HMAC-SHA256 SignedHeaders=content-type;host, "
           "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
           "TC3-HMAC-SHA256 Credential=AKID/2019-02-25/cvm/tc3_request, "
           "SignedHeaders=content-type;host, "
           "Signature=NOT-HEX",
           "HMAC-SHA1 Credential=AKID/2019-02-25/cvm/tc3_request",
       }) {
    Result<Tc3Authorization> parsed = ParseTc3Authorization(header);
    ASSERT_FALSE(parsed.has_value()) << header;
    EXPECT_EQ(parsed.error().code, ErrorCode::kAuthFailureInvalidAuthorization) << header;
  }
}

}  // namespace
}  // namespace mnad::auth
