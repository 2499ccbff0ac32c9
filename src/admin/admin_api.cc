#include "admin/admin_api.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <memory>

#include "admin/fields.h"
#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "admin/views.h"
#include "auth/crypto.h"
#include "auth/permissions.h"
#include "billing/ledger.h"
#include "core/money.h"
#include "core/text.h"
#include "core/time_format.h"

namespace mnad::admin {
namespace {

// A refusal: the HTTP status, a stable code, the field at fault ("" when
// none) and a sentence for people.
struct AdminError {
  int status;
  std::string code;
  std::string field;
  std::string message;
};
using Reply = tl::expected<json::object, AdminError>;

AdminError BadField(std::string field, std::string message) {
  return {400, "invalid_field", std::move(field), std::move(message)};
}
AdminError NotFound(std::string field, std::string message) {
  return {404, "not_found", std::move(field), std::move(message)};
}
AdminError Conflict(std::string field, std::string message) {
  return {409, "conflict", std::move(field), std::move(message)};
}
AdminError StoreFailure(const Error& error) {
  return {503, "store_unavailable", "", "The store failed; nothing changed: " + error.message};
}
AdminError Rejected(const FieldError& error) {
  return BadField(error.field, error.message);
}

// Unwraps a store result inside a Reply-returning body.
#define MNAD_STORED(name, expression)                                             \
  auto name##_stored = (expression);                                              \
  if (!name##_stored) return tl::unexpected(StoreFailure(name##_stored.error())); \
  auto& name = *name##_stored

// Runs a store write inside a Reply-returning body.
#define MNAD_STORE_DO(expression)                                           \
  do {                                                                      \
    auto mnad_done = (expression);                                          \
    if (!mnad_done) return tl::unexpected(StoreFailure(mnad_done.error())); \
  } while (false)

http::HttpResponse JsonResponse(int status, const json::object& body) {
  http::HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = json::serialize(body);
  return response;
}

http::HttpResponse ErrorResponse(const AdminError& error) {
  // Messages and fields may quote the client's path or body: bounded, valid
  // UTF-8.
  json::object detail{{"code", error.code}, {"message", BoundedText(error.message, 1024)}};
  if (!error.field.empty()) detail["field"] = BoundedText(error.field, 256);
  return JsonResponse(error.status, {{"error", std::move(detail)}});
}

std::optional<std::string_view> Header(const http::HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

// Characters drawn from the operating system's CSPRNG (keys are secrets).
std::string SecureToken(size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string token;
  while (token.size() < length) {
    for (unsigned char byte : auth::SecureRandomBytes(length)) {
      // 248 = 4 * 62: dropping larger bytes keeps the draw uniform.
      if (byte < 248 && token.size() < length) token.push_back(kAlphabet[byte % 62]);
    }
  }
  return token;
}

// One admin request on its way through a handler.
struct Call {
  const AdminApiOptions& options;
  std::vector<std::string> params;  // the path's variable segments, in order
  json::value body;
  std::function<void(int, Reply)> finish;

  int64_t NowMillis() const { return options.business_clock->NowUnixMillis(); }

  void Read(const std::function<Reply(store::Transaction&)>& body_fn) const {
    Reply reply = tl::unexpected(AdminError{500, "internal", "", "no reply"});
    Result<void> read = options.store->ReadSnapshot([&](store::Transaction& transaction) {
      reply = body_fn(transaction);
      return Result<void>();
    });
    if (!read) reply = tl::unexpected(StoreFailure(read.error()));
    finish(200, std::move(reply));
  }

  // Runs `body_fn` as one store command: its writes commit together, or
  // none do when it refuses. `touches_keys`: cached API keys are dropped
  // once it is durable; `after` runs then too, with the reply.
  void Write(int status, std::function<Reply(store::Transaction&)> body_fn,
             bool touches_keys = false,
             std::function<void(const json::object&)> after = nullptr) const {
    auto outcome = std::make_shared<Reply>();
    options.store->Submit(store::WriteCommand{
        .run =
            [body_fn = std::move(body_fn), outcome](store::Transaction& transaction) {
              *outcome = body_fn(transaction);
              return outcome->has_value();
            },
        .done =
            [finish = finish, outcome, status, touches_keys, keys_changed = options.keys_changed,
             after = std::move(after)](Result<void> durable) {
              if (!durable) return finish(status, tl::unexpected(StoreFailure(durable.error())));
              if (touches_keys && outcome->has_value() && keys_changed) keys_changed();
              if (after && outcome->has_value()) after(**outcome);
              finish(status, std::move(*outcome));
            }});
  }
};

using Handler = void (*)(Call&);

tl::expected<store::AccountRecord, AdminError> RequireAccount(store::Transaction& transaction,
                                                              const std::string& uin) {
  MNAD_STORED(account, transaction.FindAccount(uin));
  if (!account) return tl::unexpected(NotFound("uin", "No account " + uin + "."));
  return std::move(*account);
}

// A one-account seed that creates only what `fill` adds to an existing
// account (the account, and a sub-user it names, are there already);
// refuses when the new `kind` of entity already exists.
enum class NewKind { kKey, kVoucher };

Reply ApplyToAccount(store::Transaction& transaction, const store::AccountRecord& account,
                     int64_t now_ms, const std::function<void(store::SeedAccount&)>& fill,
                     NewKind kind) {
  store::SeedData seed;
  seed.accounts.emplace_back();
  seed.accounts.back().account = account;
  fill(seed.accounts.back());
  store::SeedReport report;
  MNAD_STORE_DO(ApplySeed(transaction, seed, now_ms, "admin", &report));
  if (kind == NewKind::kKey && report.keys.skipped > 0)
    return tl::unexpected(Conflict("secret_id", "An API key with this SecretId exists."));
  if (kind == NewKind::kVoucher && report.vouchers.skipped > 0)
    return tl::unexpected(Conflict("voucher_id", "A voucher with this id exists."));
  return json::object();
}

// What a seed's accounts would clash with in the store: a vendor name
// another account holds, or a sub-user UIN that is an account's.
// `account_path` is the JSON path of account i, as a format string
// ("accounts[{}]." in a seed; "" for the one account of a create).
Reply CheckSeedConflicts(store::Transaction& transaction, const store::SeedData& seed,
                         std::string_view account_path) {
  for (size_t i = 0; i < seed.accounts.size(); ++i) {
    const store::SeedAccount& entry = seed.accounts[i];
    std::string path = fmt::format(fmt::runtime(account_path), i);
    if (entry.account.vendor_name) {
      MNAD_STORED(holder, transaction.FindVendorByName(*entry.account.vendor_name));
      if (holder && holder->uin != entry.account.uin)
        return tl::unexpected(
            Conflict(path + "vendor.name", "Account " + holder->uin + " is already that vendor."));
    }
    for (size_t j = 0; j < entry.sub_users.size(); ++j) {
      MNAD_STORED(clash, transaction.FindAccount(entry.sub_users[j].uin));
      if (clash)
        return tl::unexpected(Conflict(fmt::format("{}sub_users[{}].uin", path, j),
                                       entry.sub_users[j].uin + " is an account."));
    }
  }
  return json::object();
}

// A read-only list of one account's records, {"<name>": [...]}; 404 for an
// unknown account.

template <typename Record>
using Lister = std::function<Result<std::vector<Record>>(store::Transaction&, std::string_view)>;

template <typename Record>
void View(Call& call, const char* name, Lister<Record> list,
          json::object (*to_json)(const Record&)) {
  call.Read([uin = call.params[0], name, list, to_json](store::Transaction& transaction) -> Reply {
    auto account = RequireAccount(transaction, uin);
    if (!account) return tl::unexpected(account.error());
    MNAD_STORED(records, list(transaction, uin));
    json::array out;
    for (const Record& record : records) out.push_back(to_json(record));
    return json::object{{name, std::move(out)}};
  });
}

// --- accounts ---------------------------------------------------------------

void ListAccounts(Call& call) {
  call.Read([](store::Transaction& transaction) -> Reply {
    MNAD_STORED(accounts, transaction.ListAccounts());
    json::array out;
    for (const store::AccountRecord& account : accounts) out.push_back(AccountJson(account));
    return json::object{{"accounts", std::move(out)}};
  });
}

void CreateAccount(Call& call) {
  Parsed<store::SeedAccount> parsed = ParseSeedAccount(call.body, *call.options.random);
  if (!parsed) return call.finish(0, tl::unexpected(Rejected(parsed.error())));
  call.Write(
      201,
      [seed = std::move(*parsed),
       now_ms = call.NowMillis()](store::Transaction& transaction) -> Reply {
        MNAD_STORED(existing, transaction.FindAccount(seed.account.uin));
        if (existing)
          return tl::unexpected(
              Conflict("uin", "Account " + seed.account.uin + " already exists."));
        store::SeedData data;
        data.accounts.push_back(seed);
        Reply clear = CheckSeedConflicts(transaction, data, "");
        if (!clear) return clear;
        store::SeedReport report;
        MNAD_STORE_DO(ApplySeed(transaction, data, now_ms, "admin", &report));
        const std::pair<const char*, int> kinds[] = {{"keys", report.keys.skipped},
                                                     {"sub_users", report.sub_users.skipped},
                                                     {"vouchers", report.vouchers.skipped},
                                                     {"devices", report.devices.skipped},
                                                     {"hardware", report.hardware.skipped}};
        for (const auto& [field, skipped] : kinds) {
          if (skipped > 0)
            return tl::unexpected(Conflict(field, "One of them already exists (by id)."));
        }
        MNAD_STORED(account, transaction.FindAccount(seed.account.uin));
        return json::object{{"account", AccountJson(*account)},
                            {"created", SeedReportJson(report)}};
      },
      /*touches_keys=*/true);
}

void ShowAccount(Call& call) {
  call.Read([uin = call.params[0]](store::Transaction& transaction) -> Reply {
    auto account = RequireAccount(transaction, uin);
    if (!account) return tl::unexpected(account.error());
    MNAD_STORED(keys, transaction.ListApiKeys(uin));
    MNAD_STORED(sub_users, transaction.ListSubUsers(uin));
    MNAD_STORED(vouchers, transaction.ListVouchers(uin));
    json::array keys_json, sub_users_json, vouchers_json;
    for (const auto& key : keys) keys_json.push_back(KeyJson(key, /*with_secret=*/false));
    for (const auto& sub_user : sub_users) sub_users_json.push_back(SubUserJson(sub_user));
    for (const auto& voucher : vouchers) vouchers_json.push_back(VoucherJson(voucher));
    return json::object{{"account", AccountJson(*account)},
                        {"keys", std::move(keys_json)},
                        {"sub_users", std::move(sub_users_json)},
                        {"vouchers", std::move(vouchers_json)}};
  });
}

struct AccountPatch {
  std::optional<std::string> name;
  std::optional<int64_t> app_id;
  std::optional<bool> identity_verified, service_authorized, suspended;
  bool vendor_given = false;
  std::optional<std::string> vendor_name;
};

void PatchAccount(Call& call) {
  Parsed<AccountPatch> patch = Catching([&] {
    Fields fields(call.body, "");
    AccountPatch out;
    if (fields.Get("name", false)) out.name = fields.String("name", true);
    if (fields.Get("app_id", false)) out.app_id = fields.Integer("app_id", true, 0, 1, INT64_MAX);
    if (fields.Get("identity_verified", false))
      out.identity_verified = fields.Bool("identity_verified", true, false);
    if (fields.Get("service_authorized", false))
      out.service_authorized = fields.Bool("service_authorized", true, false);
    if (fields.Get("suspended", false)) out.suspended = fields.Bool("suspended", true, false);
    if (const json::value* vendor = fields.Get("vendor", false); vendor != nullptr) {
      out.vendor_given = true;
      if (!vendor->is_null()) {
        Fields vendor_fields(*vendor, "vendor");
        out.vendor_name = vendor_fields.String("name", true);
        if (out.vendor_name->empty()) Reject("vendor.name", "must not be empty");
        vendor_fields.Finish();
      }
    }
    fields.Finish();
    if (call.body.get_object().empty()) Reject("", "names no field to change");
    return out;
  });
  if (!patch) return call.finish(0, tl::unexpected(Rejected(patch.error())));
  call.Write(
      200,
      [uin = call.params[0], patch = std::move(*patch)](store::Transaction& transaction) -> Reply {
        auto account = RequireAccount(transaction, uin);
        if (!account) return tl::unexpected(account.error());
        if (patch.name) account->name = *patch.name;
        if (patch.app_id) account->app_id = *patch.app_id;
        if (patch.identity_verified) account->identity_verified = *patch.identity_verified;
        if (patch.service_authorized) account->service_authorized = *patch.service_authorized;
        if (patch.suspended) account->suspended = *patch.suspended;
        if (patch.vendor_given) {
          if (patch.vendor_name) {
            MNAD_STORED(holder, transaction.FindVendorByName(*patch.vendor_name));
            if (holder && holder->uin != uin)
              return tl::unexpected(
                  Conflict("vendor.name", "Account " + holder->uin + " is already that vendor."));
          } else {
            MNAD_STORED(hardware, transaction.ListHardware(uin));
            if (!hardware.empty())
              return tl::unexpected(
                  Conflict("vendor", "The vendor still has hardware; it stays a vendor."));
          }
          account->vendor_name = patch.vendor_name;
        }
        MNAD_STORE_DO(transaction.UpdateAccount(*account));
        return json::object{{"account", AccountJson(*account)}};
      },
      /*touches_keys=*/true);
}

// --- API keys ---------------------------------------------------------------

struct KeyRequest {
  store::ApiKeyRecord key;
  std::optional<std::string> sub_user_uin;
};

void CreateKey(Call& call) {
  Parsed<KeyRequest> request = Catching([&] {
    Fields fields(call.body, "");
    KeyRequest out;
    out.key.secret_id = fields.String("secret_id", false, "AKID" + SecureToken(32), 128);
    if (!IsPlainId(out.key.secret_id))
      Reject("secret_id", "must be 1 to 128 letters, digits, - or _");
    out.key.secret_key = fields.String("secret_key", false, SecureToken(32), 128);
    if (out.key.secret_key.size() < 16) Reject("secret_key", "must be at least 16 characters");
    if (fields.Get("sub_user_uin", false)) {
      out.sub_user_uin = fields.String("sub_user_uin", true, "", 20);
      if (!IsDigits(*out.sub_user_uin)) Reject("sub_user_uin", "must be a string of digits");
    }
    fields.Finish();
    return out;
  });
  if (!request) return call.finish(0, tl::unexpected(Rejected(request.error())));
  call.Write(
      201,
      [uin = call.params[0], request = std::move(*request),
       now_ms = call.NowMillis()](store::Transaction& transaction) -> Reply {
        auto account = RequireAccount(transaction, uin);
        if (!account) return tl::unexpected(account.error());
        std::optional<store::SubUserRecord> sub_user;
        if (request.sub_user_uin) {
          MNAD_STORED(sub_users, transaction.ListSubUsers(uin));
          for (store::SubUserRecord& candidate : sub_users) {
            if (candidate.uin == *request.sub_user_uin) sub_user = std::move(candidate);
          }
          if (!sub_user)
            return tl::unexpected(NotFound("sub_user_uin", "Account " + uin + " has no sub-user " +
                                                               *request.sub_user_uin + "."));
        }
        Reply applied = ApplyToAccount(
            transaction, *account, now_ms,
            [&](store::SeedAccount& seed) {
              if (sub_user) {
                sub_user->keys = {request.key};
                seed.sub_users.push_back(*sub_user);
              } else {
                seed.keys.push_back(request.key);
              }
            },
            NewKind::kKey);
        if (!applied) return applied;
        MNAD_STORED(key, transaction.FindApiKey(request.key.secret_id));
        return json::object{{"key", KeyJson(*key, /*with_secret=*/true)}};
      },
      /*touches_keys=*/true);
}

void PatchKey(Call& call) {
  Parsed<bool> enabled = Catching([&] {
    Fields fields(call.body, "");
    bool value = fields.Bool("enabled", true, true);
    fields.Finish();
    return value;
  });
  if (!enabled) return call.finish(0, tl::unexpected(Rejected(enabled.error())));
  call.Write(
      200,
      [secret_id = call.params[0], enabled = *enabled](store::Transaction& transaction) -> Reply {
        MNAD_STORED(key, transaction.FindApiKey(secret_id));
        if (!key) return tl::unexpected(NotFound("secret_id", "No API key " + secret_id + "."));
        MNAD_STORE_DO(transaction.SetApiKeyEnabled(secret_id, enabled));
        key->enabled = enabled;
        return json::object{{"key", KeyJson(*key, /*with_secret=*/false)}};
      },
      /*touches_keys=*/true);
}

void DeleteKey(Call& call) {
  call.Write(
      200,
      [secret_id = call.params[0]](store::Transaction& transaction) -> Reply {
        MNAD_STORED(key, transaction.FindApiKey(secret_id));
        if (!key) return tl::unexpected(NotFound("secret_id", "No API key " + secret_id + "."));
        MNAD_STORE_DO(transaction.DeleteApiKey(secret_id));
        return json::object{{"deleted", KeyJson(*key, /*with_secret=*/false)}};
      },
      /*touches_keys=*/true);
}

// --- sub-users --------------------------------------------------------------

tl::expected<store::SubUserRecord, AdminError> FindSubUser(store::Transaction& transaction,
                                                           const std::string& account_uin,
                                                           const std::string& sub_user_uin) {
  MNAD_STORED(sub_users, transaction.ListSubUsers(account_uin));
  for (store::SubUserRecord& sub_user : sub_users) {
    if (sub_user.uin == sub_user_uin) return std::move(sub_user);
  }
  return tl::unexpected(NotFound(
      "sub_user_uin", "Account " + account_uin + " has no sub-user " + sub_user_uin + "."));
}

void CreateSubUser(Call& call) {
  Parsed<store::SubUserRecord> parsed = ParseSeedSubUser(call.body);
  if (!parsed) return call.finish(0, tl::unexpected(Rejected(parsed.error())));
  call.Write(
      201,
      [uin = call.params[0], sub_user = std::move(*parsed),
       now_ms = call.NowMillis()](store::Transaction& transaction) -> Reply {
        auto account = RequireAccount(transaction, uin);
        if (!account) return tl::unexpected(account.error());
        MNAD_STORED(clash, transaction.FindAccount(sub_user.uin));
        if (clash) return tl::unexpected(Conflict("uin", sub_user.uin + " is an account."));
        store::SeedReport report;
        store::SeedData seed;
        seed.accounts.push_back({.account = *account, .sub_users = {sub_user}});
        MNAD_STORE_DO(ApplySeed(transaction, seed, now_ms, "admin", &report));
        if (report.sub_users.skipped > 0)
          return tl::unexpected(Conflict("uin", "Sub-user " + sub_user.uin + " already exists."));
        if (report.keys.skipped > 0)
          return tl::unexpected(Conflict("keys", "One of the keys already exists."));
        auto created = FindSubUser(transaction, uin, sub_user.uin);
        if (!created) return tl::unexpected(created.error());
        return json::object{{"sub_user", SubUserJson(*created)}};
      },
      /*touches_keys=*/true);
}

struct SubUserPatch {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> allowed_actions;
  std::optional<bool> payment_allowed;
};

void PatchSubUser(Call& call) {
  Parsed<SubUserPatch> patch = Catching([&] {
    Fields fields(call.body, "");
    SubUserPatch out;
    if (fields.Get("name", false)) out.name = fields.String("name", true);
    if (fields.Get("allowed_actions", false)) {
      out.allowed_actions = fields.StringList("allowed_actions", true);
      for (size_t i = 0; i < out.allowed_actions->size(); ++i) {
        if (!auth::IsValidActionGrant((*out.allowed_actions)[i]))
          Reject(fmt::format("allowed_actions[{}]", i), "must be service:Action, service:* or *");
      }
    }
    if (fields.Get("payment_allowed", false))
      out.payment_allowed = fields.Bool("payment_allowed", true, false);
    fields.Finish();
    if (call.body.get_object().empty()) Reject("", "names no field to change");
    return out;
  });
  if (!patch) return call.finish(0, tl::unexpected(Rejected(patch.error())));
  call.Write(
      200,
      [uin = call.params[0], sub_uin = call.params[1],
       patch = std::move(*patch)](store::Transaction& transaction) -> Reply {
        auto account = RequireAccount(transaction, uin);
        if (!account) return tl::unexpected(account.error());
        auto sub_user = FindSubUser(transaction, uin, sub_uin);
        if (!sub_user) return tl::unexpected(sub_user.error());
        if (patch.name) sub_user->name = *patch.name;
        if (patch.allowed_actions) sub_user->allowed_actions = *patch.allowed_actions;
        if (patch.payment_allowed) sub_user->payment_allowed = *patch.payment_allowed;
        MNAD_STORE_DO(transaction.UpdateSubUser(*sub_user));
        return json::object{{"sub_user", SubUserJson(*sub_user)}};
      },
      /*touches_keys=*/true);
}

// --- money ------------------------------------------------------------------

void ShowBalance(Call& call) {
  call.Read([uin = call.params[0]](store::Transaction& transaction) -> Reply {
    auto account = RequireAccount(transaction, uin);
    if (!account) return tl::unexpected(account.error());
    return json::object{{"uin", uin}, {"balance_fen", account->balance_fen}};
  });
}

// Top-up (`amount_fen` > 0) or adjustment (`delta_fen`, either sign): one
// journal entry with the operator's reason; the balance never goes negative.
void ChangeBalance(Call& call, bool top_up) {
  struct Change {
    int64_t delta_fen;
    std::string reason;
  };
  Parsed<Change> change = Catching([&] {
    Fields fields(call.body, "");
    Change out;
    if (top_up) {
      out.delta_fen = fields.Integer("amount_fen", true, 0, 1, kFenMax);
    } else {
      out.delta_fen = fields.Integer("delta_fen", true, 0, -kFenMax, kFenMax);
      if (out.delta_fen == 0) Reject("delta_fen", "must not be 0");
    }
    out.reason = fields.String("reason", true);
    if (out.reason.empty()) Reject("reason", "must not be empty");
    fields.Finish();
    return out;
  });
  if (!change) return call.finish(0, tl::unexpected(Rejected(change.error())));
  call.Write(
      200,
      [uin = call.params[0], change = std::move(*change), top_up,
       now_ms = call.NowMillis()](store::Transaction& transaction) -> Reply {
        auto account = RequireAccount(transaction, uin);
        if (!account) return tl::unexpected(account.error());
        Result<store::JournalEntry> entry = billing::ChangeBalance(
            transaction, *account,
            top_up ? store::JournalAction::kTopUp : store::JournalAction::kAdjustment,
            change.delta_fen,
            std::string(top_up ? "admin top-up: " : "admin adjustment: ") + change.reason, now_ms);
        if (!entry) {
          const Error& error = entry.error();
          if (error.code == ErrorCode::kOperationDeniedInsufficientBalance) {
            return tl::unexpected(AdminError{409, "negative_balance", "delta_fen", error.message});
          }
          if (error.code == ErrorCode::kLimitExceeded) {
            return tl::unexpected(AdminError{409, "balance_limit",
                                             top_up ? "amount_fen" : "delta_fen", error.message});
          }
          return tl::unexpected(StoreFailure(error));
        }
        int64_t after = entry->balance_after_fen;
        account->balance_fen = after;
        json::object journal = JournalJson(*entry);
        journal.erase("entry_id");  // assigned by the store, not read back here
        return json::object{{"account", AccountJson(*account)}, {"journal", std::move(journal)}};
      });
}

void TopUp(Call& call) {
  ChangeBalance(call, /*top_up=*/true);
}
void Adjust(Call& call) {
  ChangeBalance(call, /*top_up=*/false);
}

// --- vouchers ---------------------------------------------------------------

tl::expected<store::VoucherRecord, AdminError> FindVoucher(store::Transaction& transaction,
                                                           const std::string& uin,
                                                           const std::string& voucher_id) {
  MNAD_STORED(vouchers, transaction.ListVouchers(uin));
  for (store::VoucherRecord& voucher : vouchers) {
    if (voucher.voucher_id == voucher_id) return std::move(voucher);
  }
  return tl::unexpected(
      NotFound("voucher_id", "Account " + uin + " has no voucher " + voucher_id + "."));
}

void IssueVoucher(Call& call) {
  // Defaults the seed format does not have: a generated id, valid from now
  // (the business clock's now).
  json::object& fields = call.body.get_object();
  if (!fields.contains("voucher_id"))
    fields["voucher_id"] = "v-" + call.options.random->LowerAlnum(12);
  if (!fields.contains("begin_time")) fields["begin_time"] = FormatRfc3339(call.NowMillis() / 1000);
  Parsed<store::VoucherRecord> parsed = ParseSeedVoucher(call.body);
  if (!parsed) return call.finish(0, tl::unexpected(Rejected(parsed.error())));
  call.Write(201,
             [uin = call.params[0], voucher = std::move(*parsed),
              now_ms = call.NowMillis()](store::Transaction& transaction) -> Reply {
               auto account = RequireAccount(transaction, uin);
               if (!account) return tl::unexpected(account.error());
               Reply applied = ApplyToAccount(
                   transaction, *account, now_ms,
                   [&](store::SeedAccount& seed) { seed.vouchers.push_back(voucher); },
                   NewKind::kVoucher);
               if (!applied) return applied;
               auto issued = FindVoucher(transaction, uin, voucher.voucher_id);
               if (!issued)
                 return tl::unexpected(Conflict("voucher_id", "It belongs to another account."));
               return json::object{{"voucher", VoucherJson(*issued)}};
             });
}

void CancelVoucher(Call& call) {
  Parsed<std::string> reason = Catching([&] {
    Fields fields(call.body, "");
    std::string text = fields.String("reason", true);
    if (text.empty()) Reject("reason", "must not be empty");
    fields.Finish();
    return text;
  });
  if (!reason) return call.finish(0, tl::unexpected(Rejected(reason.error())));
  call.Write(200,
             [uin = call.params[0], voucher_id = call.params[1], reason = *reason,
              now_ms = call.NowMillis()](store::Transaction& transaction) -> Reply {
               auto voucher = FindVoucher(transaction, uin, voucher_id);
               if (!voucher) return tl::unexpected(voucher.error());
               if (voucher->status == "cancel")
                 return tl::unexpected(Conflict("voucher_id", "The voucher is already cancelled."));
               MNAD_STORE_DO(billing::CancelVoucher(transaction, *voucher,
                                                    "admin: voucher cancelled: " + reason, now_ms));
               voucher->status = "cancel";
               return json::object{{"voucher", VoucherJson(*voucher)}};
             });
}

// --- prices -----------------------------------------------------------------

void ShowPrices(Call& call) {
  call.Read([](store::Transaction& transaction) -> Reply {
    MNAD_STORED(prices, transaction.GetPrices());
    return json::object{{"prices", PricesJson(prices)}};
  });
}

void SetPrices(Call& call) {
  call.Write(200, [body = call.body](store::Transaction& transaction) -> Reply {
    MNAD_STORED(current, transaction.GetPrices());
    Parsed<store::Prices> prices = ParseSeedPrices(body, current);
    if (!prices) return tl::unexpected(Rejected(prices.error()));
    MNAD_STORE_DO(transaction.SetPrices(*prices));
    return json::object{{"prices", PricesJson(*prices)}};
  });
}

// --- read-only views ----------------------------------------------------------

json::object KeyJsonWithoutSecret(const store::ApiKeyRecord& key) {
  return KeyJson(key, /*with_secret=*/false);
}

void ListKeys(Call& call) {
  View<store::ApiKeyRecord>(call, "keys", &store::Transaction::ListApiKeys, KeyJsonWithoutSecret);
}
void ListSubUsers(Call& call) {
  View<store::SubUserRecord>(call, "sub_users", &store::Transaction::ListSubUsers, SubUserJson);
}
void ListVouchers(Call& call) {
  View<store::VoucherRecord>(call, "vouchers", &store::Transaction::ListVouchers, VoucherJson);
}
void ListDevices(Call& call) {
  View<store::DeviceRecord>(call, "devices", &store::Transaction::ListDevices, DeviceJson);
}
void ListHardware(Call& call) {
  View<store::HardwareRecord>(call, "hardware", &store::Transaction::ListHardware, HardwareJson);
}
void ListLicenses(Call& call) {
  View<store::LicenseRecord>(call, "licenses", &store::Transaction::ListLicenses, LicenseJson);
}
void ListOrders(Call& call) {
  View<store::OrderRecord>(call, "orders", &store::Transaction::ListOrders, OrderJson);
}
void ListFlowPackages(Call& call) {
  View<store::FlowPackageRecord>(call, "flow_packages", &store::Transaction::ListFlowPackages,
                                 FlowPackageJson);
}
void ListAccountJournal(Call& call) {
  View<store::JournalEntry>(
      call, "journal",
      [](store::Transaction& transaction, std::string_view uin) {
        return transaction.ListJournal({.account_uin = std::string(uin)});
      },
      JournalJson);
}

void ListJournal(Call& call) {
  Result<std::vector<store::JournalEntry>> entries = call.options.store->Journal();
  if (!entries) return call.finish(0, tl::unexpected(StoreFailure(entries.error())));
  json::array out;
  for (const auto& entry : *entries) out.push_back(JournalJson(entry));
  call.finish(200, json::object{{"journal", std::move(out)}});
}

// --- whole state ------------------------------------------------------------

void Export(Call& call) {
  call.Read([](store::Transaction& transaction) -> Reply {
    MNAD_STORED(state, ReadState(transaction));
    return SeedJson(state);
  });
}

// Applies `seed` (after emptying the store when `reset`) in one command.
void ApplyState(Call& call, std::optional<store::SeedData> seed, bool reset) {
  call.Write(
      200,
      [seed = std::move(seed), reset,
       now_ms = call.NowMillis()](store::Transaction& transaction) -> Reply {
        if (reset) {
          MNAD_STORE_DO(transaction.DeleteEverything());
        }
        json::object out{{"reset", reset}};
        if (seed) {
          Reply clear = CheckSeedConflicts(transaction, *seed,
                                           reset ? "seed.accounts[{}]." : "accounts[{}].");
          if (!clear) return clear;
          store::SeedReport report;
          MNAD_STORE_DO(ApplySeed(transaction, *seed, now_ms, "seed", &report));
          out["applied"] = SeedReportJson(report);
        }
        MNAD_STORED(regions, transaction.ListRegions());
        out["regions"] = json::array(regions.begin(), regions.end());
        return out;
      },
      /*touches_keys=*/true,
      [regions_changed = call.options.regions_changed](const json::object& reply) {
        std::vector<std::string> regions;
        for (const json::value& region : reply.at("regions").get_array())
          regions.emplace_back(region.get_string());
        if (regions_changed) regions_changed(regions);
      });
}

void Import(Call& call) {
  Parsed<store::SeedData> seed = ParseSeedValue(call.body, *call.options.random);
  if (!seed) return call.finish(0, tl::unexpected(Rejected(seed.error())));
  ApplyState(call, std::move(*seed), /*reset=*/false);
}

void Reset(Call& call) {
  std::optional<store::SeedData> seed;
  Parsed<const json::value*> seed_json = Catching([&] {
    Fields fields(call.body, "");
    const json::value* value = fields.Get("seed", false);
    fields.Finish();
    return value;
  });
  if (!seed_json) return call.finish(0, tl::unexpected(Rejected(seed_json.error())));
  if (*seed_json != nullptr) {
    Parsed<store::SeedData> parsed = ParseSeedValue(**seed_json, *call.options.random);
    if (!parsed) {
      FieldError error = parsed.error();
      error.field = error.field.empty() ? "seed" : "seed." + error.field;
      return call.finish(0, tl::unexpected(Rejected(error)));
    }
    seed = std::move(*parsed);
  }
  ApplyState(call, std::move(seed), /*reset=*/true);
}

// --- test clock -------------------------------------------------------------

// The clock as `state` makes it read now.
json::object ClockJson(const AdminApiOptions& options, const AdjustableClock::State& state) {
  int64_t real_now = options.clock->NowUnixMillis();
  int64_t now = state.frozen_at_millis.value_or(real_now + state.offset_millis);
  return {{"enabled", options.test_clock_enabled},
          {"now", FormatRfc3339(now / 1000)},
          {"now_unix_ms", now},
          {"frozen", state.frozen_at_millis.has_value()},
          {"offset_ms", now - real_now}};
}

void ShowClock(Call& call) {
  call.finish(200, json::object{
                       {"clock", ClockJson(call.options, call.options.business_clock->state())}});
}

// Computes the clock's next state once the body parsed, writes it to the
// store (where every node, and a restart, reads it), then sets it here.
template <typename Parse, typename Change>
void ChangeClock(Call& call, Parse parse, Change change) {
  if (!call.options.test_clock_enabled) {
    return call.finish(
        0, tl::unexpected(AdminError{409, "test_clock_disabled", "",
                                     "The test clock is off; start mnad with --test-clock."}));
  }
  auto parsed = Catching([&] {
    Fields fields(call.body, "");
    auto value = parse(fields);
    fields.Finish();
    return value;
  });
  if (!parsed) return call.finish(0, tl::unexpected(Rejected(parsed.error())));
  AdjustableClock::State next = change(*call.options.business_clock, *parsed);
  call.Write(
      200,
      [&options = call.options, next](store::Transaction& transaction) -> Reply {
        MNAD_STORE_DO(transaction.SetTestClock(next));
        return json::object{{"clock", ClockJson(options, next)}};
      },
      /*touches_keys=*/false,
      [clock = call.options.business_clock, next](const json::object&) { clock->Set(next); });
}

void FreezeClock(Call& call) {
  ChangeClock(
      call,
      [](Fields& fields) -> std::optional<int64_t> {
        if (!fields.Get("at", false)) return std::nullopt;
        return fields.Time("at") * 1000;
      },
      [](const AdjustableClock& clock, std::optional<int64_t> at) { return clock.Frozen(at); });
}

void AdvanceClock(Call& call) {
  ChangeClock(
      call,
      [](Fields& fields) { return fields.Integer("seconds", true, 0, 1, 100LL * 365 * 86400); },
      [](const AdjustableClock& clock, int64_t seconds) { return clock.Advanced(seconds * 1000); });
}

void ResumeClock(Call& call) {
  ChangeClock(
      call, [](Fields&) { return 0; },
      [](const AdjustableClock& clock, int) { return clock.Resumed(); });
}

// --- routing ----------------------------------------------------------------

struct Route {
  std::string_view method;
  std::string_view pattern;  // "*" matches one segment and is passed on
  Handler handler;
};

constexpr Route kRoutes[] = {
    {"GET", "/v1/accounts", ListAccounts},
    {"POST", "/v1/accounts", CreateAccount},
    {"GET", "/v1/accounts/*", ShowAccount},
    {"PATCH", "/v1/accounts/*", PatchAccount},
    {"GET", "/v1/accounts/*/keys", ListKeys},
    {"POST", "/v1/accounts/*/keys", CreateKey},
    {"PATCH", "/v1/keys/*", PatchKey},
    {"DELETE", "/v1/keys/*", DeleteKey},
    {"GET", "/v1/accounts/*/sub-users", ListSubUsers},
    {"POST", "/v1/accounts/*/sub-users", CreateSubUser},
    {"PATCH", "/v1/accounts/*/sub-users/*", PatchSubUser},
    {"GET", "/v1/accounts/*/balance", ShowBalance},
    {"POST", "/v1/accounts/*/balance/topup", TopUp},
    {"POST", "/v1/accounts/*/balance/adjust", Adjust},
    {"GET", "/v1/accounts/*/vouchers", ListVouchers},
    {"POST", "/v1/accounts/*/vouchers", IssueVoucher},
    {"POST", "/v1/accounts/*/vouchers/*/cancel", CancelVoucher},
    {"GET", "/v1/accounts/*/devices", ListDevices},
    {"GET", "/v1/accounts/*/hardware", ListHardware},
    {"GET", "/v1/accounts/*/licenses", ListLicenses},
    {"GET", "/v1/accounts/*/orders", ListOrders},
    {"GET", "/v1/accounts/*/flow-packages", ListFlowPackages},
    {"GET", "/v1/accounts/*/journal", ListAccountJournal},
    {"GET", "/v1/journal", ListJournal},
    {"GET", "/v1/prices", ShowPrices},
    {"PUT", "/v1/prices", SetPrices},
    {"GET", "/v1/export", Export},
    {"POST", "/v1/import", Import},
    {"POST", "/v1/reset", Reset},
    {"GET", "/v1/clock", ShowClock},
    {"POST", "/v1/clock/freeze", FreezeClock},
    {"POST", "/v1/clock/advance", AdvanceClock},
    {"POST", "/v1/clock/resume", ResumeClock},
};

// True when `segments` match `pattern`; the "*" segments go to `params`.
bool Matches(std::string_view pattern, const std::vector<std::string>& segments,
             std::vector<std::string>* params) {
  std::vector<std::string> expected = Segments(pattern);
  if (expected.size() != segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == "*") {
      params->push_back(segments[i]);
    } else if (expected[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

// The path as the audit log shows it: a key's SecretId (in /v1/keys/{id})
// becomes "sha256:" and the first 12 hex digits of its hash, which names the
// key to whoever holds it without writing it down; the rest is bounded.
std::string AuditPath(std::string_view path) {
  constexpr std::string_view kKeys = "/v1/keys/";
  constexpr size_t kAuditPathBytesMax = 256;
  if (!path.starts_with(kKeys)) return BoundedText(path, kAuditPathBytesMax);
  std::string_view rest = path.substr(kKeys.size());
  size_t slash = rest.find('/');
  std::string_view secret_id = rest.substr(0, slash);
  std::string redacted = std::string(kKeys) +
                         "sha256:" + auth::HexLower(auth::Sha256(secret_id)).substr(0, 12) +
                         std::string(slash == std::string_view::npos ? "" : rest.substr(slash));
  return BoundedText(redacted, kAuditPathBytesMax);
}

}  // namespace

AdminApi::AdminApi(AdminApiOptions options)
    : options_(std::move(options)),
      token_fingerprint_(auth::HexLower(auth::Sha256(options_.token)).substr(0, 8)) {}

void AdminApi::Handle(http::HttpRequest request, http::Responder respond) const {
  std::string path = request.target.substr(0, request.target.find('?'));
  switch (request.refusal) {
    case http::Refusal::kNone:
      break;
    case http::Refusal::kTooLarge:
      return respond(ErrorResponse({413, "too_large", "", "The request is too large."}));
    case http::Refusal::kBusy:
      return respond(ErrorResponse(
          {503, "busy", "", "The server holds too many request bytes at once; retry later."}));
    case http::Refusal::kMalformed:
      return respond(ErrorResponse(
          {400, "malformed", "", "The request is not valid HTTP/1.1 or its length is ambiguous."}));
  }
  if (path == "/healthz") {
    if (request.method != "GET")
      return respond(ErrorResponse({405, "method_not_allowed", "", "Use GET."}));
    bool ready = options_.ready && options_.ready();
    // Not ready: the store cannot be reached (PostgreSQL away).
    return respond(JsonResponse(ready ? 200 : 503, {{"status", ready ? "ready" : "unavailable"}}));
  }
  std::string_view authorization = Header(request, "authorization").value_or("");
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer) ||
      !auth::ConstantTimeEquals(authorization.substr(kBearer.size()), options_.token)) {
    return respond(ErrorResponse(
        {401, "unauthorized", "", "Send the admin token as `Authorization: Bearer <token>`."}));
  }
  if (path == "/info" || path == "/metrics") {
    if (request.method != "GET")
      return respond(ErrorResponse({405, "method_not_allowed", "", "Use GET."}));
    if (path == "/info") return respond(JsonResponse(200, options_.info()));
    http::HttpResponse response;
    response.content_type = "text/plain; version=0.0.4";
    response.body = options_.metrics();
    return respond(std::move(response));
  }

  bool mutation = request.method != "GET";
  auto finish = [respond = std::move(respond), mutation, method = request.method,
                 path = AuditPath(path), audit = options_.audit,
                 who = "admin-token:" + token_fingerprint_,
                 clock = options_.clock](int status, Reply reply) {
    int sent = reply ? status : reply.error().status;
    if (mutation && audit) {
      json::object line{{"time", FormatRfc3339(clock->NowUnixSeconds())},
                        {"kind", "admin"},
                        {"who", who},
                        {"method", method},
                        {"path", path},
                        {"status", sent}};
      if (!reply) line["error"] = reply.error().code;
      audit(json::serialize(line));
    }
    respond(reply ? JsonResponse(status, *reply) : ErrorResponse(reply.error()));
  };

  std::vector<std::string> segments = Segments(path);
  std::vector<std::string> params;
  const Route* route = nullptr;
  bool path_known = false;
  for (const Route& candidate : kRoutes) {
    if (!Matches(candidate.pattern, segments, &params)) continue;
    path_known = true;
    if (candidate.method == request.method) {
      route = &candidate;
      break;
    }
  }
  if (route == nullptr) {
    return finish(
        0, tl::unexpected(
               path_known ? AdminError{405, "method_not_allowed", "",
                                       "This endpoint does not take " + request.method + "."}
                          : AdminError{404, "not_found", "", "No admin endpoint " + path + "."}));
  }

  // Ids are valid UTF-8 text; a segment that is not names nothing (and a
  // backend need not be asked: PostgreSQL refuses such a parameter).
  for (const std::string& param : params) {
    if (!IsValidUtf8(param)) {
      return finish(0,
                    tl::unexpected(AdminError{404, "not_found", "",
                                              "No such resource: the path is not valid UTF-8."}));
    }
  }

  json::value body = json::object();
  if (mutation && !request.body.empty()) {
    json::error_code error;
    body = json::parse(request.body, error);
    if (error || !body.is_object()) {
      return finish(0, tl::unexpected(AdminError{400, "invalid_json", "",
                                                 "The body must be one JSON object."}));
    }
  }

  Call call{options_, std::move(params), std::move(body), std::move(finish)};
  route->handler(call);
}

std::string LoadOrCreateAdminToken(const std::string& path, bool* created, std::string* error) {
  *created = false;
  std::ifstream existing(path);
  if (existing) {
    std::string token;
    std::getline(existing, token);
    if (token.size() >= 32) return token;
    *error = path + " does not hold a token of at least 32 characters";
    return "";
  }
  std::string token = auth::HexLower(auth::SecureRandomBytes(32));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || ::write(fd, token.data(), token.size()) != static_cast<ssize_t>(token.size()) ||
      ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    *error = "cannot write " + path;
    return "";
  }
  ::close(fd);
  *created = true;
  return token;
}

}  // namespace mnad::admin
