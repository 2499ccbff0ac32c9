#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <map>

#include "auth/crypto.h"
#include "auth/tc3.h"

namespace mnad::auth {
namespace {

constexpr char kSecretId[] = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
constexpr char kSecretKey[] = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
constexpr int64_t kVectorTimestamp = 1551113065;
constexpr char kBody[] =
    R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";
constexpr char kVectorAuthorization[] =
    "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
    "SignedHeaders=content-type;host, "
    "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest()
      : clock_(kVectorTimestamp * 1000),
        authenticator_({}, &clock_,
                       [this](std::string_view secret_id) -> Result<std::optional<Credential>> {
                         lookups_++;
                         if (lookup_fails_) return Fail(ErrorCode::kInternalError, "store down");
                         auto found = keys_.find(std::string(secret_id));
                         if (found == keys_.end()) return std::nullopt;
                         Credential credential;
                         credential.secret_key = found->second;
                         credential.principal.account_uin = "100000000001";
                         return credential;
                       }) {
    keys_[kSecretId] = kSecretKey;
  }

  Result<Authenticated> Tc3(std::string authorization, std::string host = "cvm.tencentcloudapi.com",
                            std::string timestamp = std::to_string(kVectorTimestamp)) {
    headers_ = {{"content-type", "application/json; charset=utf-8"},
                {"host", std::move(host)},
                {"x-tc-timestamp", std::move(timestamp)},
                {"authorization", std::move(authorization)}};
    return authenticator_.Authenticate({"POST", "/", "", kBody, &headers_, &form_});
  }

  FakeClock clock_;
  std::map<std::string, std::string> keys_;
  bool lookup_fails_ = false;
  int lookups_ = 0;
  Authenticator authenticator_;
  HeaderList headers_;
  FormParams form_;
};

TEST_F(AuthenticatorTest, VerifiesThePublishedVectorA) {
  Result<Authenticated> result = Tc3(kVectorAuthorization);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->principal.account_uin, "100000000001");
  EXPECT_EQ(result->kind, SignatureKind::kTc3);
  EXPECT_EQ(result->secret_id, kSecretId);
}

TEST_F(AuthenticatorTest, AcceptsAHostSignedWithoutThePortTheHeaderCarries) {
  Result<Authenticated> result = Tc3(kVectorAuthorization, "cvm.tencentcloudapi.com:8080");
  EXPECT_TRUE(result.has_value()) << result.error().message;
}

TEST_F(AuthenticatorTest, AcceptsAHostHeaderThatIsAFullUrlAsTccliSendsIt) {
  std::string host = "http://127.0.0.1:8080";
  Tc3CanonicalParts parts{"POST",
                          "/",
                          "",
                          "content-type:application/json; charset=utf-8\nhost:" + host + "\n",
                          "content-type;host",
                          HexLower(Sha256(kBody))};
  std::string signature =
      Tc3Signature(Tc3SigningKey(kSecretKey, "2019-02-25", "mna"),
                   Tc3StringToSign(std::to_string(kVectorTimestamp), "2019-02-25", "mna",
                                   Tc3CanonicalRequest(parts)));
  Result<Authenticated> result =
      Tc3(std::string("TC3-HMAC-SHA256 Credential=") + kSecretId +
              "/2019-02-25/mna/tc3_request, SignedHeaders=content-type;host, "
              "Signature=" +
              signature,
          host);
  EXPECT_TRUE(result.has_value()) << result.error().message;
}

TEST_F(AuthenticatorTest, ASecretIdThatNoKeyCanHaveIsNotFoundWithoutALookup) {
  for (std::string secret_id : {std::string(kSecretIdBytesMax + 1, 'A'), std::string("AKID.x+y"),
                                std::string("AKID\xff")}) {
    std::string authorization = kVectorAuthorization;
    authorization.replace(authorization.find(kSecretId), std::string_view(kSecretId).size(),
                          secret_id);
    keys_[secret_id] = kSecretKey;
    Result<Authenticated> result = Tc3(authorization);
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().code, ErrorCode::kInternalError) << secret_id;
  }
  EXPECT_EQ(lookups_, 0) << "no such SecretId reaches the store or the credential cache";
}

TEST_F(AuthenticatorTest, WrongSecretKeyIsSignatureFailure) {
  keys_[kSecretId] = "another-secret";
  Result<Authenticated> result = Tc3(kVectorAuthorization);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kAuthFailureSignatureFailure);
}

TEST_F(AuthenticatorTest, TamperedBodyIsSignatureFailure) {
  headers_.clear();
  Result<Authenticated> ok = Tc3(kVectorAuthorization);
  ASSERT_TRUE(ok.has_value());
  Result<Authenticated> result =
      authenticator_.Authenticate({"POST", "/", "", "{\"Limit\": 2}", &headers_, &form_});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kAuthFailureSignatureFailure);
}

TEST_F(AuthenticatorTest, UnknownSecretIdIsSecretIdNotFound) {
  keys_.clear();
  Result<Authenticated> result = Tc3(kVectorAuthorization);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kAuthFailureSecretIdNotFound);
}

TEST_F(AuthenticatorTest, TimestampOutsideFiveMinutesIsSignatureExpire) {
  clock_.SetUnixMillis((kVectorTimestamp + 300) * 1000);
  EXPECT_TRUE(Tc3(kVectorAuthorization).has_value());
  clock_.SetUnixMillis((kVectorTimestamp + 301) * 1000);
  Result<Authenticated> late = Tc3(kVectorAuthorization);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::kAuthFailureSignatureExpire);
  clock_.SetUnixMillis((kVectorTimestamp - 301) * 1000);
  Result<Authenticated> early = Tc3(kVectorAuthorization);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().code, ErrorCode::kAuthFailureSignatureExpire);
}

TEST_F(AuthenticatorTest, ScopeDateMustBeTheUtcDateOfTheTimestamp) {
  // 2019-02-26 00:00:10 UTC: within the skew window of a clock set to it,
  // but the scope still says 2019-02-25.
  clock_.SetUnixMillis(1551139210LL * 1000);
  Result<Authenticated> result = Tc3(kVectorAuthorization, "cvm.tencentcloudapi.com", "1551139210");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kAuthFailureSignatureFailure);
}

TEST_F(AuthenticatorTest, SkipOrMissingAuthorizationIsInvalidAuthorization) {
  Result<Authenticated> skip = Tc3("SKIP");
  ASSERT_FALSE(skip.has_value());
  EXPECT_EQ(skip.error().code, ErrorCode::kAuthFailureInvalidAuthorization);
  HeaderList none = {{"host", "x"}};
  Result<Authenticated> missing =
      authenticator_.Authenticate({"POST", "/", "", "{}", &none, &form_});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kAuthFailureInvalidAuthorization);
}

TEST_F(AuthenticatorTest, TimestampHeaderMustBePresentAndNumeric) {
  Tc3(kVectorAuthorization);
  std::erase_if(headers_, [](const auto& header) { return header.first == "x-tc-timestamp"; });
  Result<Authenticated> missing =
      authenticator_.Authenticate({"POST", "/", "", kBody, &headers_, &form_});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kMissingParameter);
  Result<Authenticated> garbled =
      Tc3(kVectorAuthorization, "cvm.tencentcloudapi.com", "15511130x5");
  ASSERT_FALSE(garbled.has_value());
  EXPECT_EQ(garbled.error().code, ErrorCode::kInvalidParameterValue);
}

TEST_F(AuthenticatorTest, SignedHeadersMustCoverContentTypeAndHost) {
  Result<Authenticated> result =
      Tc3(std::string("TC3-HMAC-SHA256 Credential=") + kSecretId +
          "/2019-02-25/cvm/tc3_request, SignedHeaders=host, "
          "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kAuthFailureInvalidAuthorization);
}

TEST_F(AuthenticatorTest, UnsignedPayloadHashesTheMarkerInsteadOfTheBody) {
  Tc3CanonicalParts parts{
      "POST",
      "/",
      "",
      "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n",
      "content-type;host",
      HexLower(Sha256(kUnsignedPayload))};
  std::string signature =
      Tc3Signature(Tc3SigningKey(kSecretKey, "2019-02-25", "cvm"),
                   Tc3StringToSign(std::to_string(kVectorTimestamp), "2019-02-25", "cvm",
                                   Tc3CanonicalRequest(parts)));
  std::string authorization =
      std::string("TC3-HMAC-SHA256 Credential=") + kSecretId +
      "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=" + signature;
  Tc3(authorization);  // fills headers_
  headers_.emplace_back("x-tc-content-sha256", "UNSIGNED-PAYLOAD");
  Result<Authenticated> result =
      authenticator_.Authenticate({"POST", "/", "", "{\"any\": \"body\"}", &headers_, &form_});
  EXPECT_TRUE(result.has_value()) << result.error().message;
}

TEST_F(AuthenticatorTest, StoreFailureIsPassedOnAsInternalError) {
  lookup_fails_ = true;
  Result<Authenticated> result = Tc3(kVectorAuthorization);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInternalError);
}

TEST_F(AuthenticatorTest, VerifiesThePublishedV1Vector) {
  clock_.SetUnixMillis(1465185768LL * 1000);
  form_ = {{"Action", "DescribeInstances"},
           {"InstanceIds.0", "ins-09dx96dg"},
           {"Limit", "20"},
           {"Nonce", "11886"},
           {"Offset", "0"},
           {"Region", "ap-guangzhou"},
           {"SecretId", kSecretId},
           {"Timestamp", "1465185768"},
           {"Version", "2017-03-12"},
           {"Signature", "EliP9YW3pW28FpsEdkXt/+WcGeI="}};
  headers_ = {{"host", "cvm.tencentcloudapi.com"}};
  Result<Authenticated> result =
      authenticator_.Authenticate({"GET", "/", "", "", &headers_, &form_});
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->kind, SignatureKind::kV1);

  form_.back().second = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  Result<Authenticated> tampered =
      authenticator_.Authenticate({"GET", "/", "", "", &headers_, &form_});
  ASSERT_FALSE(tampered.has_value());
  EXPECT_EQ(tampered.error().code, ErrorCode::kAuthFailureSignatureFailure);
}

TEST(HostCandidatesTest, StripsOnlyANumericPort) {
  EXPECT_EQ(HostCandidates("127.0.0.1:8080"),
            (std::vector<std::string>{"127.0.0.1", "127.0.0.1:8080"}));
  EXPECT_EQ(HostCandidates("mna.tencentcloudapi.com"),
            (std::vector<std::string>{"mna.tencentcloudapi.com"}));
  EXPECT_EQ(HostCandidates("http://127.0.0.1:9"),
            (std::vector<std::string>{"http://127.0.0.1", "http://127.0.0.1:9"}));
}

}  // namespace
}  // namespace mnad::auth
