// The cost of verifying one TC3-HMAC-SHA256 request, against a reference
// measured in the same run: hashing the same body once with SHA-256.
#include <benchmark/benchmark.h>

#include "auth/authenticator.h"
#include "auth/crypto.h"
#include "auth/tc3.h"
#include "core/time_format.h"

namespace {

constexpr int64_t kNow = 1'780'000'000;
constexpr char kBody[] = R"({"DeviceId":"mna-b0001000042","Type":0,"AutoVoucher":true})";

struct SignedFixture {
  mnad::FakeClock clock{kNow * 1000};
  mnad::auth::Authenticator authenticator{
      {}, &clock, [](std::string_view) -> mnad::Result<std::optional<mnad::auth::Credential>> {
        return mnad::auth::Credential{"bench-secret-key", {}};
      }};
  mnad::auth::HeaderList headers;
  mnad::auth::FormParams form;

  SignedFixture() {
    std::string date = mnad::UtcDate(kNow);
    mnad::auth::Tc3CanonicalParts parts{"POST",
                                        "/",
                                        "",
                                        "content-type:application/json\nhost:127.0.0.1\n",
                                        "content-type;host",
                                        mnad::auth::HexLower(mnad::auth::Sha256(kBody))};
    std::string signature = mnad::auth::Tc3Signature(
        mnad::auth::Tc3SigningKey("bench-secret-key", date, "mna"),
        mnad::auth::Tc3StringToSign(std::to_string(kNow), date, "mna",
                                    mnad::auth::Tc3CanonicalRequest(parts)));
    headers = {{"host", "127.0.0.1:8080"},
               {"content-type", "application/json"},
               {"x-tc-timestamp", std::to_string(kNow)},
               {"authorization",
                "TC3-HMAC-SHA256 Credential=AKIDbench/" + date +
                    "/mna/tc3_request, SignedHeaders=content-type;host, Signature=" + signature}};
  }
};

void BM_VerifyTc3Request(benchmark::State& state) {
  SignedFixture fixture;
  for (auto _ : state) {
    auto result = fixture.authenticator.Authenticate(
        {"POST", "/", "", kBody, &fixture.headers, &fixture.form});
    if (!result) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_VerifyTc3Request);

void BM_ReferenceSha256OfBody(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(mnad::auth::Sha256(kBody));
}
BENCHMARK(BM_ReferenceSha256OfBody);

}  // namespace

BENCHMARK_MAIN();
