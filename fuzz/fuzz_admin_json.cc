// fuzz_admin_json: the operator API's request handling and JSON body
// parsers. The input's first line is a request line without its version
// ("PATCH /v1/accounts/1"), kept only when Beast accepts it as one (as the
// server would read it); the rest is the body. The request carries the admin
// token and goes through admin::AdminApi::Handle. Its store reads a SQLite
// database seeded once (kStoreSeed, in a temporary directory) but keeps no
// write: a write command runs on a read-only snapshot, so everything a
// handler checks before writing runs against real records, its first write
// fails, and every input meets the same state. The body is also given to
// the seed-format parsers the admin API creates entities with
// (ParseSeedAccount, ParseSeedSubUser, ParseSeedVoucher, ParseSeedPrices).
//
// Invariants:
// - the responder is called exactly once, before Handle returns;
// - the reply is a valid UTF-8 JSON object with a status the API uses; an
//   error is {"error": {"code", "message"[, "field"]}};
// - no mutation of the store succeeds, since none of its writes lands (a
//   handler that ignored a failed write would say otherwise); nothing
//   reports changed keys or regions;
// - a mutation writes one audit line: valid UTF-8 JSON, with the reply's
//   status, and a key's SecretId in the path replaced by its hash;
// - an entity the parsers accept obeys the seed format and survives the
//   export/import round trip (seed_checks.h).
#include <stdlib.h>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "admin/admin_api.h"
#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "admin/views.h"
#include "core/clock.h"
#include "core/random.h"
#include "fuzz_check.h"
#include "http/types.h"
#include "seed_checks.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace mnad::fuzz {
namespace {

// The business clock starts here (2026-05-28T20:26:40Z).
constexpr int64_t kNowUnixSeconds = 1'780'000'000;
constexpr std::string_view kAdminToken = "fuzz-admin-token-0123456789abcdef0123456789";

// The records every input meets: two accounts as in seed-format.md.
constexpr std::string_view kStoreSeed = R"({
  "version": 1,
  "regions": ["ap-guangzhou", "ap-shanghai"],
  "accounts": [
    {"uin": "100000000001", "app_id": 1300000001, "name": "acme",
     "identity_verified": true, "service_authorized": true, "balance_fen": 500000,
     "keys": [{"secret_id": "AKIDfuzz0000000000000000000000000001",
               "secret_key": "fuzz-secret-key-0000000000000001"}],
     "sub_users": [{"uin": "100000000011", "name": "ops", "allowed_actions": ["mna:*"],
                    "keys": [{"secret_id": "AKIDfuzzops1", "secret_key": "fuzz-ops-secret-0001"}]}],
     "vouchers": [{"voucher_id": "v-1", "nominal_fen": 5000, "begin_time": "2026-01-01T00:00:00Z",
                   "end_time": "2027-12-31T23:59:59Z"},
                  {"voucher_id": "v-2", "nominal_fen": 100, "status": "cancel",
                   "begin_time": "2026-01-01T00:00:00Z", "end_time": "2027-12-31T23:59:59Z"}],
     "devices": [{"device_id": "mna-car0001", "name": "car-1", "license_pay_mode": 1}]},
    {"uin": "100000000002", "app_id": 1300000002, "name": "routerco",
     "vendor": {"name": "routerco"},
     "hardware": [{"hardware_id": "cpe-sn0001", "sn": "RC-0001", "license_charging_mode": 3}]}
  ]
})";

// A store whose writes never land (see the top of the file).
class WritesDroppedStore final : public store::Store {
 public:
  explicit WritesDroppedStore(store::Store* base) : base_(base) {}
  Result<void> ReadSnapshot(const std::function<Result<void>(store::Transaction&)>& body) override {
    return base_->ReadSnapshot(body);
  }
  // Runs the command where writes fail, and completes it as durable: its
  // answer is whatever it made of the failure.
  void Submit(store::WriteCommand command) override {
    Result<void> ran = base_->ReadSnapshot([&command](store::Transaction& transaction) {
      command.run(transaction);
      return Result<void>();
    });
    command.done(ran);
  }

 private:
  store::Store* base_;
};

// Opens the SQLite store once, in a directory removed at exit.
store::Store* SeededStore() {
  static store::Store* store = [] {
    static std::string directory = [] {
      const char* tmp = std::getenv("TMPDIR");
      std::string pattern =
          std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mnad-fuzz-admin-XXXXXX";
      Check(::mkdtemp(pattern.data()) != nullptr, "cannot create the store's directory", pattern);
      return pattern;
    }();
    std::atexit([] { std::filesystem::remove_all(directory); });
    static FakeClock clock(kNowUnixSeconds * 1000);
    auto opened = store::sqlite::SqliteStore::Open({.path = directory + "/mnad.db"}, &clock);
    Check(opened.has_value(), "cannot open the SQLite store", opened ? "" : opened.error().message);
    SequenceRandom random(1);
    Result<store::SeedData> seed = admin::ParseSeed(kStoreSeed, random);
    Check(seed.has_value(), "the store seed does not parse", seed ? "" : seed.error().message);
    Result<store::SeedReport> applied = admin::ApplySeed(**opened, *seed, clock.NowUnixMillis());
    Check(applied.has_value(), "the store seed does not apply",
          applied ? "" : applied.error().message);
    return new WritesDroppedStore(opened->release());
  }();
  return store;
}

// The request line as Beast reads it, or false when it would not.
bool ParseRequestLine(std::string_view line, http::HttpRequest* request) {
  namespace bhttp = boost::beast::http;
  std::string head = std::string(line) + " HTTP/1.1\r\nHost: admin\r\n\r\n";
  bhttp::request_parser<bhttp::empty_body> parser;
  boost::beast::error_code error;
  parser.put(boost::asio::buffer(head), error);
  if (error || !parser.is_done()) return false;
  request->method = std::string(parser.get().method_string());
  request->target = std::string(parser.get().target());
  return true;
}

// The endpoints that answer without the store: the probes and the test
// clock (routed by segments, so "v1//clock" is the clock too).
bool StoreFree(std::string_view path) {
  if (path == "/healthz" || path == "/info" || path == "/metrics") return true;
  std::vector<std::string_view> segments;
  for (std::string_view rest = path; !rest.empty();) {
    size_t slash = rest.find('/');
    if (slash != 0) segments.push_back(rest.substr(0, slash));
    rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
  }
  return segments.size() >= 2 && segments[0] == "v1" && segments[1] == "clock";
}

void CheckReply(const http::HttpRequest& request, const http::HttpResponse& response) {
  static const std::set<int> kStatuses = {200, 201, 400, 401, 404, 405, 409, 413, 503};
  Check(kStatuses.contains(response.status), "an admin reply with an unexpected status",
        std::to_string(response.status));
  std::string path = request.target.substr(0, request.target.find('?'));
  if (path == "/metrics" && response.status == 200) {
    Check(IsValidUtf8(response.body), "the metrics are not valid UTF-8", response.body);
    return;
  }
  Check(response.content_type == "application/json", "an admin reply is not JSON",
        response.content_type);
  boost::json::value body = CheckJsonText(response.body, "an admin reply");
  Check(body.is_object(), "an admin reply is not a JSON object", response.body);
  if (response.status >= 400) {
    const boost::json::value* error = body.get_object().if_contains("error");
    Check(error != nullptr && error->is_object(), "an admin error without its error object",
          response.body);
    const boost::json::object& detail = error->get_object();
    Check(detail.contains("code") && detail.at("code").is_string() &&
              !detail.at("code").get_string().empty(),
          "an admin error without a code", response.body);
    Check(detail.contains("message") && detail.at("message").is_string(),
          "an admin error without a message", response.body);
    if (const boost::json::value* field = detail.if_contains("field")) {
      Check(field->is_string() && !field->get_string().empty(),
            "an admin error with an empty field", response.body);
    }
  } else if (request.method != "GET") {
    Check(StoreFree(path), "a mutation succeeded although none of its writes landed",
          request.method + " " + request.target + " -> " + response.body);
  }
}

void CheckAudit(const http::HttpRequest& request, const http::HttpResponse& response,
                const std::vector<std::string>& audit) {
  Check(audit.size() <= 1, "more than one audit line for one request");
  if (audit.empty()) return;
  Check(request.method != "GET", "a read was audited", request.target);
  boost::json::value line = CheckJsonText(audit.front(), "an audit line");
  Check(line.is_object() && line.get_object().contains("status") && line.at("status").is_int64() &&
            line.at("status").get_int64() == response.status,
        "the audit line's status is not the reply's", audit.front());
  const boost::json::value* path = line.get_object().if_contains("path");
  Check(path != nullptr && path->is_string(), "an audit line without its path", audit.front());
  std::string_view target(request.target);
  if (target.starts_with("/v1/keys/") && target.size() > 9) {
    Check(path->get_string().starts_with("/v1/keys/sha256:"),
          "an audit line names a key's SecretId", audit.front());
  }
}

// A one-account seed around an entity the admin API parsed on its own.
store::SeedData AroundAccount(store::SeedAccount account) {
  store::SeedData seed;
  seed.accounts.push_back(std::move(account));
  return seed;
}

store::SeedAccount HolderFor(std::string_view taken_uin) {
  store::SeedAccount holder;
  holder.account.uin = taken_uin == "1" ? "2" : "1";
  holder.account.app_id = 1;
  holder.account.name = "holder";
  return holder;
}

void ParseEntities(std::string_view body) {
  boost::json::error_code error;
  boost::json::value value = boost::json::parse(body, error);
  if (error) return;
  SequenceRandom random(3);
  if (auto account = admin::ParseSeedAccount(value, random)) {
    store::SeedData seed = AroundAccount(*account);
    CheckSeedData(seed);
    CheckSeedRoundTrip(seed);
  }
  if (auto sub_user = admin::ParseSeedSubUser(value)) {
    store::SeedAccount holder = HolderFor(sub_user->uin);
    holder.sub_users.push_back(*sub_user);
    store::SeedData seed = AroundAccount(std::move(holder));
    CheckSeedData(seed);
    CheckSeedRoundTrip(seed);
  }
  if (auto voucher = admin::ParseSeedVoucher(value)) {
    store::SeedAccount holder = HolderFor("");
    holder.vouchers.push_back(*voucher);
    store::SeedData seed = AroundAccount(std::move(holder));
    CheckSeedData(seed);
    CheckSeedRoundTrip(seed);
  }
  store::Prices base;
  if (auto prices = admin::ParseSeedPrices(value, base)) {
    CheckPrices(*prices);
    store::Prices zero{0, 0, 0, 0, 0};
    auto again = admin::ParseSeedPrices(admin::PricesJson(*prices), zero);
    Check(again.has_value(), "prices written by the admin API do not read back");
    Check(admin::PricesJson(*again) == admin::PricesJson(*prices),
          "prices change when written and read back");
  }
}

}  // namespace
}  // namespace mnad::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mnad;
  using namespace mnad::fuzz;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view line = input.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  ParseEntities(body);

  http::HttpRequest request;
  if (!ParseRequestLine(line, &request)) return 0;
  request.headers = {{"host", "admin"},
                     {"authorization", "Bearer " + std::string(kAdminToken)},
                     {"content-type", "application/json"}};
  request.body = std::string(body);

  store::Store* store = SeededStore();
  FakeClock clock(kNowUnixSeconds * 1000);
  AdjustableClock business_clock(&clock);
  SequenceRandom random(1);
  std::vector<std::string> audit;
  int keys_changed = 0;
  admin::AdminApiOptions options{
      .token = std::string(kAdminToken),
      .info =
          [] {
            return boost::json::object{{"version", "fuzz"}};
          },
      .metrics = [] { return std::string("mnad_up 1\n"); },
      .ready = [] { return true; },
      .store = store,
      .random = &random,
      .clock = &clock,
      .business_clock = &business_clock,
      .test_clock_enabled = true,
      .keys_changed = [&keys_changed] { ++keys_changed; },
      .regions_changed =
          [](const std::vector<std::string>&) {
            Broken("regions reported changed although no write landed");
          },
      .audit = [&audit](std::string line) { audit.push_back(std::move(line)); }};
  admin::AdminApi api(std::move(options));

  int replies = 0;
  http::HttpResponse response;
  api.Handle(request, [&replies, &response](http::HttpResponse reply) {
    ++replies;
    response = std::move(reply);
  });
  Check(replies == 1, "the admin API did not answer exactly once before returning",
        std::to_string(replies));
  if (Verbose()) {
    std::fprintf(stderr, "%s %s -> %d %s\n", request.method.c_str(),
                 Printable(request.target).c_str(), response.status,
                 Printable(response.body).c_str());
  }
  CheckReply(request, response);
  CheckAudit(request, response, audit);
  Check(keys_changed == 0, "keys reported changed although no write landed");
  return 0;
}
