#include "api/gateway.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/crypto.h"
#include "auth/tc3.h"
#include "core/time_format.h"

namespace mnad::api {
namespace {

constexpr int64_t kNow = 1'780'000'000;  // 2026-05-28
constexpr char kRootId[] = "AKIDroot";
constexpr char kSubId[] = "AKIDsub";
constexpr char kFrozenId[] = "AKIDfrozen";
constexpr char kKey[] = "secret-key";

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest()
      : clock_(kNow * 1000),
        random_(7),
        authenticator_({}, &clock_,
                       [](std::string_view id) -> Result<std::optional<auth::Credential>> {
                         auth::Credential credential{kKey, {}};
                         credential.principal.account_uin = "100";
                         if (id == kSubId) {
                           credential.principal.sub_user_uin = "101";
                           credential.principal.allowed_actions = {"billing:*"};
                         } else if (id == kFrozenId) {
                           credential.principal.account_suspended = true;
                         } else if (id != kRootId) {
                           return std::nullopt;
                         }
                         return credential;
                       }) {
    router_.Add(
        {.service = "mna",
         .version = "2021-01-19",
         .action = "GetDevicePayMode",
         .params =
             {ParamSpec::ArrayOf("DeviceIdList", ParamSpec::String("")).Required().Items(1, 100)},
         .region_required = true,
         .rate_limit_per_second = 2,
         .handler = [this](const CallContext& context, const ParamObject& params,
                           ActionReply reply) {
           ++handled_;
           last_region_ = context.region;
           reply(boost::json::object{{"Count", params.GetStringList("DeviceIdList").size()}});
         }});
    gateway_ = std::make_unique<Gateway>(GatewayOptions{}, &router_, &authenticator_, &random_,
                                         &clock_, std::vector<std::string>{"ap-guangzhou"});
  }

  http::HttpRequest Signed(std::string body, std::string secret_id = kRootId,
                           std::string region = "ap-guangzhou",
                           std::string action = "GetDevicePayMode",
                           std::string version = "2021-01-19") {
    http::HttpRequest request;
    request.method = "POST";
    request.target = "/";
    request.body = std::move(body);
    std::string date = UtcDate(kNow);
    auth::Tc3CanonicalParts parts{"POST",
                                  "/",
                                  "",
                                  "content-type:application/json\nhost:127.0.0.1\n",
                                  "content-type;host",
                                  auth::HexLower(auth::Sha256(request.body))};
    std::string signature = auth::Tc3Signature(
        auth::Tc3SigningKey(kKey, date, "127"),
        auth::Tc3StringToSign(std::to_string(kNow), date, "127", auth::Tc3CanonicalRequest(parts)));
    request.headers = {
        {"host", "127.0.0.1:8080"},
        {"content-type", "application/json"},
        {"x-tc-action", action},
        {"x-tc-version", version},
        {"x-tc-timestamp", std::to_string(kNow)},
        {"x-tc-traceid", "trace-1"},
        {"authorization",
         "TC3-HMAC-SHA256 Credential=" + secret_id + "/" + date +
             "/127/tc3_request, SignedHeaders=content-type;host, Signature=" + signature}};
    if (!region.empty()) request.headers.emplace_back("x-tc-region", region);
    return request;
  }

  // Runs a request and returns Response.Error.Code, or "" on success.
  std::string Call(http::HttpRequest request) {
    http::HttpResponse response;
    gateway_->Handle(std::move(request),
                     [&response](http::HttpResponse reply) { response = std::move(reply); });
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "application/json");
    boost::json::value body = boost::json::parse(response.body);
    const boost::json::object& inner = body.at("Response").as_object();
    EXPECT_TRUE(inner.at("RequestId").is_string());
    last_body_ = body;
    last_headers_ = response.headers;
    if (const boost::json::value* error = inner.if_contains("Error")) {
      return std::string(error->at("Code").as_string());
    }
    return "";
  }

  FakeClock clock_;
  SequenceRandom random_;
  auth::Authenticator authenticator_;
  Router router_;
  std::unique_ptr<Gateway> gateway_;
  int handled_ = 0;
  std::string last_region_;
  boost::json::value last_body_;
  http::HeaderList last_headers_;
};

TEST_F(GatewayTest, SignedCallReachesTheHandlerAndIsEnveloped) {
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["mna-1","mna-2"]})")), "");
  EXPECT_EQ(handled_, 1);
  EXPECT_EQ(last_region_, "ap-guangzhou");
  EXPECT_EQ(last_body_.at("Response").at("Count").to_number<uint64_t>(), 2u);
  EXPECT_NE(std::find(last_headers_.begin(), last_headers_.end(),
                      std::pair<std::string, std::string>{"X-TC-TraceId", "trace-1"}),
            last_headers_.end());
}

TEST_F(GatewayTest, MethodOtherThanGetOrPostIsUnsupportedProtocol) {
  http::HttpRequest request = Signed("{}");
  request.method = "PUT";
  EXPECT_EQ(Call(std::move(request)), "UnsupportedProtocol");
}

TEST_F(GatewayTest, OversizedRequestsAreRequestSizeLimitExceeded) {
  http::HttpRequest too_large;
  too_large.refusal = http::Refusal::kTooLarge;
  EXPECT_EQ(Call(std::move(too_large)), "RequestSizeLimitExceeded");
  http::HttpRequest long_get;
  long_get.method = "GET";
  long_get.target = "/?DeviceIdList.0=" + std::string(33 * 1024, 'a');
  EXPECT_EQ(Call(std::move(long_get)), "RequestSizeLimitExceeded");
  EXPECT_EQ(handled_, 0);
}

TEST_F(GatewayTest, BodiesMustBeJsonOrForm) {
  http::HttpRequest xml = Signed("<x/>");
  for (auto& header : xml.headers) {
    if (header.first == "content-type") header.second = "text/xml";
  }
  EXPECT_EQ(Call(std::move(xml)), "InvalidParameter");
  http::HttpRequest multipart = Signed("--b--");
  for (auto& header : multipart.headers) {
    if (header.first == "content-type") header.second = "multipart/form-data; boundary=b";
  }
  EXPECT_EQ(Call(std::move(multipart)), "InvalidRequest");
  EXPECT_EQ(handled_, 0);
}

TEST_F(GatewayTest, RoutesByVersionAndAction) {
  EXPECT_EQ(Call(Signed("{}", kRootId, "ap-guangzhou", "NoSuchThing")), "InvalidAction");
  EXPECT_EQ(Call(Signed("{}", kRootId, "ap-guangzhou", "GetDevicePayMode", "2099-01-01")),
            "NoSuchVersion");
}

TEST_F(GatewayTest, RegionIsRequiredAndMustBeConfigured) {
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kRootId, "")), "MissingParameter");
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kRootId, "xx-nowhere-1")),
            "UnsupportedRegion");
  EXPECT_EQ(handled_, 0);
}

TEST_F(GatewayTest, RateLimitIsPerCallerAndSlidesWithTheClock) {
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})")), "");
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})")), "");
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})")), "RequestLimitExceeded");
  // Another identity has its own window.
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kSubId)), "AuthFailure.UnauthorizedOperation");
  clock_.AdvanceMillis(1000);
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})")), "");
}

// Unknown regions share one limiter key, so a client cannot grow the limiter
// by varying the Region (found by fuzz_http_request: the shared name was
// first a view of a temporary string, read after it was gone).
TEST_F(GatewayTest, UnknownRegionsShareOneRateLimitKey) {
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kRootId, "zone-1")), "UnsupportedRegion");
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kRootId, std::string(300, 'z'))),
            "UnsupportedRegion");
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kRootId, "zone-3")), "RequestLimitExceeded");
  EXPECT_EQ(gateway_->rate_limiter().keys(), 1u);
  // A known region has its own window.
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})")), "");
  EXPECT_EQ(gateway_->rate_limiter().keys(), 2u);
}

TEST_F(GatewayTest, ParametersAreCheckedBeforeAccountState) {
  EXPECT_EQ(Call(Signed(R"({"Foo":1,"DeviceIdList":["a"]})", kFrozenId)), "UnknownParameter");
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kFrozenId)), "UnauthorizedOperation");
}

TEST_F(GatewayTest, SubUserWithoutTheActionIsAuthFailureUnauthorizedOperation) {
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", kSubId)), "AuthFailure.UnauthorizedOperation");
  EXPECT_EQ(handled_, 0);
}

TEST_F(GatewayTest, UnknownKeyIsSecretIdNotFound) {
  EXPECT_EQ(Call(Signed(R"({"DeviceIdList":["a"]})", "AKIDnobody")),
            "AuthFailure.SecretIdNotFound");
}

}  // namespace
}  // namespace mnad::api
