// mnactl: the operator's command line for mnad. Every admin API operation
// is a subcommand (`mnactl accounts create …`, `mnactl balance topup …`),
// printed as a table or, with --json, as the API's JSON; `mnactl call mna
// OrderPerLicense --DeviceId mna-x --Type 0` makes a TC3-signed call to
// the TC API like tccli and prints its `Response`.
// Exit status: 0 on success, 1 when the server refused (the error is on
// stderr), 2 on bad usage or an unreachable server.
#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "admin/views.h"
#include "auth/tc3.h"

namespace mnactl {
namespace json = boost::json;
namespace http = boost::beast::http;

// Thrown to end the program with a message and an exit status; caught only
// in main.
struct Exit {
  int status;
  std::string message;
};

struct Endpoint {
  std::string host;
  std::string port;
};

Endpoint ParseUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) throw Exit{2, url + ": only http:// URLs are supported"};
  std::string rest = url.substr(kScheme.size());
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, "80"};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

struct HttpReply {
  int status = 0;
  std::string body;
};

HttpReply Send(const std::string& url, http::verb method, const std::string& target,
               const std::vector<std::pair<std::string, std::string>>& headers,
               const std::string& body) {
  Endpoint endpoint = ParseUrl(url);
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    boost::beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(endpoint.host, endpoint.port));
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, endpoint.host + ":" + endpoint.port);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ULL << 31);  // exports can be large
    http::read(stream, buffer, parser);
    boost::system::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    return {static_cast<int>(parser.get().result_int()), parser.get().body()};
  } catch (const boost::system::system_error& error) {
    throw Exit{2, "cannot reach " + url + ": " + error.code().message()};
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Exit{2, "cannot read " + path};
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

json::value ParseJson(const std::string& text, const std::string& what) {
  json::error_code error;
  json::value value = json::parse(text, error);
  if (error) throw Exit{2, what + ": not valid JSON: " + error.message()};
  return value;
}

// --- output -------------------------------------------------------------------

std::string Cell(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_null()) return "-";
  if (value.is_array()) {
    std::string joined;
    for (const json::value& item : value.get_array()) {
      if (!joined.empty()) joined += ",";
      joined += Cell(item);
    }
    return joined.empty() ? "-" : joined;
  }
  if (value.is_object()) {
    // {"name": …} (a vendor) reads as its name.
    if (value.get_object().size() == 1 && value.get_object().contains("name"))
      return Cell(value.get_object().at("name"));
    return json::serialize(value);
  }
  return json::serialize(value);
}

void PrintTable(const json::array& rows, std::vector<std::string> columns) {
  if (rows.empty()) {
    std::cout << "(none)\n";
    return;
  }
  if (columns.empty()) {
    for (const auto& member : rows.front().as_object()) {
      if (!member.value().is_object()) columns.emplace_back(member.key());
    }
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const std::string& column : columns) widths.push_back(column.size());
  for (const json::value& row : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns.size(); ++i) {
      const json::value* value = row.as_object().if_contains(columns[i]);
      line.push_back(value == nullptr ? "-" : Cell(*value));
      widths[i] = std::max(widths[i], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    for (size_t i = 0; i < line.size(); ++i) {
      std::cout << line[i];
      if (i + 1 < line.size()) std::cout << std::string(widths[i] - line[i].size() + 2, ' ');
    }
    std::cout << "\n";
  };
  std::vector<std::string> header;
  for (const std::string& column : columns) {
    std::string upper = column;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    header.push_back(upper);
  }
  print_line(header);
  for (const auto& line : cells) print_line(line);
}

void PrintFields(const json::object& object, const std::string& prefix = "") {
  for (const auto& member : object) {
    std::string name = prefix + std::string(member.key());
    if (member.value().is_object() && Cell(member.value()).starts_with("{")) {
      PrintFields(member.value().get_object(), name + ".");
    } else if (member.value().is_array() && !member.value().get_array().empty() &&
               member.value().get_array().front().is_object()) {
      std::cout << name << ":\n";
      PrintTable(member.value().get_array(), {});
    } else {
      std::cout << name << ": " << Cell(member.value()) << "\n";
    }
  }
}

// How a reply is shown without --json: the member holding a list and its
// columns, or (no list) every field as `name: value`.
struct View {
  std::string list;
  std::vector<std::string> columns;
};

void Print(const json::value& reply, const View& view, bool as_json) {
  if (as_json) {
    std::cout << mnad::admin::PrettyJson(reply);
    return;
  }
  const json::object& object = reply.as_object();
  if (!view.list.empty() && object.contains(view.list)) {
    PrintTable(object.at(view.list).as_array(), view.columns);
    return;
  }
  if (object.size() == 1 && object.begin()->value().is_object()) {
    PrintFields(object.begin()->value().get_object());
    return;
  }
  PrintFields(object);
}

// --- the admin API --------------------------------------------------------------

struct Admin {
  std::string url = "http://127.0.0.1:8081";
  std::string token;
  std::string token_file = "./data/admin-token";
  bool as_json = false;

  std::string Token() const {
    if (!token.empty()) return token;
    std::ifstream file(token_file);
    std::string read;
    if (!file || !std::getline(file, read) || read.empty()) {
      throw Exit{2,
                 "no admin token: pass --admin-token, set MNAD_ADMIN_TOKEN, or point "
                 "--token-file at mnad's <data-dir>/admin-token (now " +
                     token_file + ")"};
    }
    return read;
  }

  json::value Call(http::verb method, const std::string& path,
                   const std::optional<json::value>& body = std::nullopt) const {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + Token()}};
    if (body) headers.emplace_back("Content-Type", "application/json");
    HttpReply reply = Send(url, method, path, headers, body ? json::serialize(*body) : "");
    json::error_code error;
    json::value parsed = json::parse(reply.body, error);
    if (reply.status >= 400) {
      std::string message = "HTTP " + std::to_string(reply.status);
      if (!error && parsed.is_object() && parsed.as_object().contains("error")) {
        const json::object& detail = parsed.at("error").as_object();
        message = std::string(detail.at("code").as_string());
        if (const json::value* field = detail.if_contains("field"))
          message += " (" + std::string(field->as_string()) + ")";
        message += ": " + std::string(detail.at("message").as_string());
      }
      throw Exit{1, message};
    }
    if (error) return json::value(reply.body);  // /metrics is text
    return parsed;
  }

  void Show(http::verb method, const std::string& path, const View& view = {},
            const std::optional<json::value>& body = std::nullopt) const {
    json::value reply = Call(method, path, body);
    if (reply.is_string()) {
      std::cout << std::string_view(reply.as_string());
      return;
    }
    Print(reply, view, as_json);
  }
};

// --- tccli-style signed calls -----------------------------------------------------

const std::map<std::string, std::string>& ServiceVersions() {
  static const std::map<std::string, std::string> versions = {{"mna", "2021-01-19"},
                                                              {"billing", "2018-07-09"}};
  return versions;
}

// A parameter value as tccli users write it: JSON when it parses as JSON
// (numbers, true/false, arrays, objects, "quoted strings"), text otherwise.
json::value ParamValue(const std::string& text) {
  json::error_code error;
  json::value value = json::parse(text, error);
  if (!error) return value;
  return json::value(text);
}

struct Credentials {
  std::string secret_id;
  std::string secret_key;
};

Credentials LoadCredentials(const std::string& profile) {
  const char* id = std::getenv("TENCENTCLOUD_SECRET_ID");
  const char* key = std::getenv("TENCENTCLOUD_SECRET_KEY");
  if (id != nullptr && key != nullptr) return {id, key};
  const char* home = std::getenv("HOME");
  std::string path =
      std::string(home == nullptr ? "." : home) + "/.tccli/" + profile + ".credential";
  std::ifstream file(path);
  if (!file) {
    throw Exit{2,
               "no credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or "
               "write " +
                   path + " ({\"secretId\": …, \"secretKey\": …}, as tccli does)"};
  }
  std::ostringstream text;
  text << file.rdbuf();
  json::value parsed = ParseJson(text.str(), path);
  const json::object* object = parsed.if_object();
  if (object == nullptr || !object->contains("secretId") || !object->contains("secretKey") ||
      !object->at("secretId").is_string() || !object->at("secretKey").is_string()) {
    throw Exit{2, path + ": needs string fields secretId and secretKey"};
  }
  return {std::string(object->at("secretId").as_string()),
          std::string(object->at("secretKey").as_string())};
}

int SignedCall(const std::string& service, const std::string& action,
               const std::vector<std::string>& rest, const std::string& endpoint_url,
               std::string region, std::string version, const std::string& profile) {
  if (version.empty()) {
    auto known = ServiceVersions().find(service);
    if (known == ServiceVersions().end())
      throw Exit{2, "unknown service " + service + "; pass --version"};
    version = known->second;
  }
  json::object params;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (!rest[i].starts_with("--") || rest[i].size() == 2)
      throw Exit{2, "expected --ParameterName value, got " + rest[i]};
    std::string name = rest[i].substr(2);
    std::string value;
    if (size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else {
      if (i + 1 >= rest.size()) throw Exit{2, "--" + name + " needs a value"};
      value = rest[++i];
    }
    params[name] = ParamValue(value);
  }
  Credentials credentials = LoadCredentials(profile);
  Endpoint endpoint = ParseUrl(endpoint_url);
  std::string host = endpoint.host + ":" + endpoint.port;
  std::string body = json::serialize(params);
  int64_t timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"},
      {"X-TC-Action", action},
      {"X-TC-Version", version},
      {"X-TC-Timestamp", std::to_string(timestamp)},
      {"Authorization",
       mnad::auth::Tc3AuthorizationForJsonPost(credentials.secret_id, credentials.secret_key,
                                               service, host, timestamp, body)}};
  if (!region.empty()) headers.emplace_back("X-TC-Region", region);
  HttpReply reply = Send(endpoint_url, http::verb::post, "/", headers, body);
  json::value parsed = ParseJson(reply.body, "the reply");
  const json::value* response =
      parsed.is_object() ? parsed.as_object().if_contains("Response") : nullptr;
  if (response == nullptr) throw Exit{2, "the reply has no Response: " + reply.body};
  std::cout << mnad::admin::PrettyJson(*response);
  return response->as_object().contains("Error") ? 1 : 0;
}

// --- the admin commands, as a table -------------------------------------------------

// Where a command-line argument goes.
enum class Kind {
  kPath,      // positional, fills `{name}` in the URL
  kBodyInt,   // positional integer, a body field
  kString,    // --flag VALUE, a string body field
  kInt,       // --flag N, an integer body field
  kBool,      // --flag true|false, a boolean body field
  kSwitch,    // --flag, sets a boolean body field to true
  kList,      // --flag A --flag B, a string-array body field
  kVendor,    // --vendor NAME → "vendor": {"name": NAME}; --vendor none → null
  kBodyFile,  // --from-file FILE: the whole body, as JSON
};

struct Arg {
  std::string name;  // positional name or flag without "--"
  Kind kind;
  std::string field;  // body field (or URL placeholder)
  std::string description;
  bool required = false;
};

struct AdminCommand {
  std::vector<std::string> words;  // {"balance", "topup"}
  std::string description;
  http::verb method;
  std::string path;  // with {placeholders}
  std::vector<Arg> args;
  View view;
  bool send_body = false;  // POST/PUT/PATCH with a JSON body (empty: {})
  // Body fields the command always sends (`keys disable`: enabled=false).
  std::vector<std::pair<std::string, bool>> fixed = {};
};

const std::vector<AdminCommand>& AdminCommands() {
  using http::verb;
  const Arg kUin{"uin", Kind::kPath, "uin", "the root account's UIN", true};
  const Arg kReason{"reason", Kind::kString, "reason", "why (kept in the journal)", true};
  const View kAccounts{"accounts",
                       {"uin", "name", "app_id", "balance_fen", "identity_verified",
                        "service_authorized", "suspended", "vendor"}};
  const View kKeys{"keys", {"secret_id", "account_uin", "sub_user_uin", "enabled", "created_at"}};
  const View kVouchers{"vouchers",
                       {"voucher_id", "cash", "nominal_fen", "balance_fen", "threshold_fen",
                        "begin_time", "end_time", "status"}};
  static const std::vector<AdminCommand> commands = {
      {{"accounts", "list"}, "list every account", verb::get, "/v1/accounts", {}, kAccounts},
      {{"accounts", "show"},
       "an account with its keys, sub-users and vouchers",
       verb::get,
       "/v1/accounts/{uin}",
       {kUin}},
      {{"accounts", "create"},
       "create an account (flags, or --from-file with a seed-format account)",
       verb::post,
       "/v1/accounts",
       {{"from-file", Kind::kBodyFile, "", "the account as JSON in the seed format"},
        {"uin", Kind::kString, "uin", "its UIN (digits)"},
        {"app-id", Kind::kInt, "app_id", "its AppId"},
        {"name", Kind::kString, "name", "its name"},
        {"identity-verified", Kind::kBool, "identity_verified", "true/false"},
        {"service-authorized", Kind::kBool, "service_authorized", "true/false"},
        {"suspended", Kind::kBool, "suspended", "true/false"},
        {"vendor", Kind::kVendor, "vendor", "make it the hardware vendor NAME"},
        {"balance-fen", Kind::kInt, "balance_fen", "opening balance, fen"}},
       {},
       true},
      {{"accounts", "set"},
       "change an account's name, AppId or flags",
       verb::patch,
       "/v1/accounts/{uin}",
       {kUin,
        {"name", Kind::kString, "name", "new name"},
        {"app-id", Kind::kInt, "app_id", "new AppId"},
        {"identity-verified", Kind::kBool, "identity_verified", "true/false"},
        {"service-authorized", Kind::kBool, "service_authorized", "true/false"},
        {"suspended", Kind::kBool, "suspended", "true/false"},
        {"vendor", Kind::kVendor, "vendor", "vendor NAME, or none"}},
       {},
       true},
      {{"keys", "list"},
       "an account's API keys (no secrets)",
       verb::get,
       "/v1/accounts/{uin}/keys",
       {kUin},
       kKeys},
      {{"keys", "create"},
       "create an API key; its secret is shown once",
       verb::post,
       "/v1/accounts/{uin}/keys",
       {kUin,
        {"sub-user", Kind::kString, "sub_user_uin", "make it a key of this sub-user"},
        {"secret-id", Kind::kString, "secret_id", "default: generated"},
        {"secret-key", Kind::kString, "secret_key", "default: generated"}},
       {},
       true},
      {{"keys", "disable"},
       "disable a key",
       verb::patch,
       "/v1/keys/{secret_id}",
       {{"secret_id", Kind::kPath, "secret_id", "the key's SecretId", true}},
       {},
       true,
       {{"enabled", false}}},
      {{"keys", "enable"},
       "enable a key",
       verb::patch,
       "/v1/keys/{secret_id}",
       {{"secret_id", Kind::kPath, "secret_id", "the key's SecretId", true}},
       {},
       true,
       {{"enabled", true}}},
      {{"keys", "delete"},
       "delete a key",
       verb::delete_,
       "/v1/keys/{secret_id}",
       {{"secret_id", Kind::kPath, "secret_id", "the key's SecretId", true}}},
      {{"sub-users", "list"},
       "an account's sub-users",
       verb::get,
       "/v1/accounts/{uin}/sub-users",
       {kUin},
       {"sub_users", {"uin", "name", "allowed_actions", "payment_allowed", "keys"}}},
      {{"sub-users", "create"},
       "create a sub-user",
       verb::post,
       "/v1/accounts/{uin}/sub-users",
       {kUin,
        {"uin", Kind::kString, "uin", "the sub-user's UIN", true},
        {"name", Kind::kString, "name", "its name", true},
        {"allow", Kind::kList, "allowed_actions", "service:Action, service:* or * (repeat)", true},
        {"payment-allowed", Kind::kBool, "payment_allowed", "may it pay orders (true/false)"}},
       {},
       true},
      {{"sub-users", "set"},
       "change a sub-user's name, allowed actions or payment permission",
       verb::patch,
       "/v1/accounts/{uin}/sub-users/{sub_uin}",
       {kUin,
        {"sub_uin", Kind::kPath, "sub_uin", "the sub-user's UIN", true},
        {"name", Kind::kString, "name", "new name"},
        {"allow", Kind::kList, "allowed_actions", "replaces the allowed actions (repeat)"},
        {"payment-allowed", Kind::kBool, "payment_allowed", "true/false"}},
       {},
       true},
      {{"balance", "show"},
       "an account's balance",
       verb::get,
       "/v1/accounts/{uin}/balance",
       {kUin}},
      {{"balance", "topup"},
       "add money to a balance (journaled)",
       verb::post,
       "/v1/accounts/{uin}/balance/topup",
       {kUin, {"amount_fen", Kind::kBodyInt, "amount_fen", "fen to add (> 0)", true}, kReason},
       {},
       true},
      {{"balance", "adjust"},
       "correct a balance up or down (journaled; never below 0)",
       verb::post,
       "/v1/accounts/{uin}/balance/adjust",
       {kUin,
        {"delta_fen", Kind::kBodyInt, "delta_fen", "fen, negative to take away", true},
        kReason},
       {},
       true},
      {{"vouchers", "list"},
       "an account's vouchers",
       verb::get,
       "/v1/accounts/{uin}/vouchers",
       {kUin},
       kVouchers},
      {{"vouchers", "issue"},
       "issue a voucher",
       verb::post,
       "/v1/accounts/{uin}/vouchers",
       {kUin,
        {"nominal-fen", Kind::kInt, "nominal_fen", "face value, fen", true},
        {"balance-fen", Kind::kInt, "balance_fen", "default: the face value"},
        {"threshold-fen", Kind::kInt, "threshold_fen", "minimum order total, fen"},
        {"cash", Kind::kSwitch, "cash", "a cash voucher (has_price)"},
        {"begin", Kind::kString, "begin_time", "RFC 3339; default: the server's now"},
        {"end", Kind::kString, "end_time", "RFC 3339", true},
        {"product", Kind::kList, "products", "products it pays for (repeat; default mna)"},
        {"voucher-id", Kind::kString, "voucher_id", "default: generated"}},
       {},
       true},
      {{"vouchers", "cancel"},
       "cancel a voucher",
       verb::post,
       "/v1/accounts/{uin}/vouchers/{voucher_id}/cancel",
       {kUin, {"voucher_id", Kind::kPath, "voucher_id", "the voucher", true}, kReason},
       {},
       true},
      {{"prices", "show"}, "the price list", verb::get, "/v1/prices", {}},
      {{"prices", "set"},
       "change prices (fen); others keep their value",
       verb::put,
       "/v1/prices",
       {{"license-fen", Kind::kInt, "license_fen", "a permanent license"},
        {"flow-20g-fen", Kind::kInt, "flow_packages_fen.DEVICE_1_FLOW_20G",
         "package DEVICE_1_FLOW_20G"},
        {"flow-50g-fen", Kind::kInt, "flow_packages_fen.DEVICE_2_FLOW_50G",
         "package DEVICE_2_FLOW_50G"},
        {"flow-100g-fen", Kind::kInt, "flow_packages_fen.DEVICE_3_FLOW_100G",
         "package DEVICE_3_FLOW_100G"},
        {"flow-500g-fen", Kind::kInt, "flow_packages_fen.DEVICE_5_FLOW_500G",
         "package DEVICE_5_FLOW_500G"}},
       {},
       true},
      {{"devices"},
       "an account's devices",
       verb::get,
       "/v1/accounts/{uin}/devices",
       {kUin},
       {"devices", {"device_id", "name", "license_pay_mode", "hardware_id", "group_id", "remark"}}},
      {{"hardware"},
       "a vendor's hardware",
       verb::get,
       "/v1/accounts/{uin}/hardware",
       {kUin},
       {"hardware",
        {"hardware_id", "sn", "license_charging_mode", "activated_device_id", "description"}}},
      {{"licenses"},
       "the permanent licenses an account paid for",
       verb::get,
       "/v1/accounts/{uin}/licenses",
       {kUin},
       {"licenses", {"resource_id", "device_id", "hardware_id", "order_id", "created_at"}}},
      {{"orders"},
       "an account's orders",
       verb::get,
       "/v1/accounts/{uin}/orders",
       {kUin},
       {"orders",
        {"order_id", "action", "resource_id", "total_fen", "voucher_id", "voucher_fen",
         "balance_fen", "created_at"}}},
      {{"flow-packages"},
       "an account's flow packages",
       verb::get,
       "/v1/accounts/{uin}/flow-packages",
       {kUin},
       {"flow_packages",
        {"resource_id", "package_type", "active_time", "expire_time", "auto_renew", "device_ids"}}},
      {{"journal"},
       "an account's money journal",
       verb::get,
       "/v1/accounts/{uin}/journal",
       {kUin},
       {"journal",
        {"entry_id", "at", "voucher_id", "delta_fen", "balance_after_fen", "reason", "order_id"}}},
      {{"clock", "show"}, "the business clock", verb::get, "/v1/clock", {}},
      {{"clock", "freeze"},
       "stop the clock (needs mnad --test-clock)",
       verb::post,
       "/v1/clock/freeze",
       {{"at", Kind::kString, "at", "RFC 3339; default: now"}},
       {},
       true},
      {{"clock", "advance"},
       "move the clock forward (needs mnad --test-clock)",
       verb::post,
       "/v1/clock/advance",
       {{"seconds", Kind::kBodyInt, "seconds", "seconds to add", true}},
       {},
       true},
      {{"clock", "resume"},
       "let a frozen clock run again",
       verb::post,
       "/v1/clock/resume",
       {},
       {},
       true},
  };
  return commands;
}

// How an argument is written: `uin` (positional) or `--uin` (a flag).
std::string CliName(const Arg& arg) {
  bool positional = arg.kind == Kind::kPath || arg.kind == Kind::kBodyInt;
  return positional ? arg.name : "--" + arg.name;
}

// Values given on the command line, by CliName.
struct Given {
  std::map<std::string, std::string> values;
  std::map<std::string, std::vector<std::string>> lists;
  std::map<std::string, bool> switches;
};

int64_t ToInt(const std::string& text, const std::string& name) {
  try {
    size_t used = 0;
    int64_t value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw Exit{2, name + ": expected an integer, got \"" + text + "\""};
}

bool ToBool(const std::string& text, const std::string& name) {
  if (text == "true") return true;
  if (text == "false") return false;
  throw Exit{2, name + ": expected true or false, got \"" + text + "\""};
}

// The body member a field names; "a.b" is member b of the object a.
json::value& FieldAt(json::object& body, std::string_view field) {
  size_t dot = field.find('.');
  if (dot == std::string_view::npos) return body[field];
  json::value& outer = body[field.substr(0, dot)];
  if (!outer.is_object()) outer.emplace_object();
  return FieldAt(outer.get_object(), field.substr(dot + 1));
}

void RunAdminCommand(const Admin& admin, const AdminCommand& command, const Given& given) {
  std::string path = command.path;
  json::object body;
  std::optional<json::value> whole_body;
  for (const Arg& arg : command.args) {
    auto value = given.values.find(CliName(arg));
    bool has_value = value != given.values.end();
    switch (arg.kind) {
      case Kind::kPath:
        path.replace(path.find("{" + arg.field + "}"), arg.field.size() + 2, value->second);
        break;
      case Kind::kBodyInt:
        body[arg.field] = ToInt(value->second, arg.name);
        break;
      case Kind::kString:
        if (has_value) body[arg.field] = value->second;
        break;
      case Kind::kInt:
        if (has_value) FieldAt(body, arg.field) = ToInt(value->second, arg.name);
        break;
      case Kind::kBool:
        if (has_value) body[arg.field] = ToBool(value->second, arg.name);
        break;
      case Kind::kSwitch:
        if (given.switches.at(CliName(arg))) body[arg.field] = true;
        break;
      case Kind::kList:
        if (auto list = given.lists.find(CliName(arg));
            list != given.lists.end() && !list->second.empty()) {
          body[arg.field] = json::array(list->second.begin(), list->second.end());
        }
        break;
      case Kind::kVendor:
        if (has_value) {
          body[arg.field] = value->second == "none" ? json::value(nullptr)
                                                    : json::value({{"name", value->second}});
        }
        break;
      case Kind::kBodyFile:
        if (has_value) whole_body = ParseJson(ReadFile(value->second), value->second);
        break;
    }
  }
  for (const auto& [field, value] : command.fixed) body[field] = value;
  if (whole_body && body.size() > 0)
    throw Exit{2, "--from-file cannot be combined with other fields"};
  std::optional<json::value> sent;
  if (command.send_body) sent = whole_body ? *whole_body : json::value(std::move(body));
  admin.Show(command.method, path, command.view, sent);
}

int Main(int argc, char** argv) {
  CLI::App app{
      "mnactl: operate an mnad server through its admin API, or call its TC API like tccli"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may also follow the subcommand
  Admin admin;
  if (const char* url = std::getenv("MNAD_ADMIN_URL")) admin.url = url;
  if (const char* token = std::getenv("MNAD_ADMIN_TOKEN")) admin.token = token;
  app.add_option("--admin-url", admin.url, "the admin API (env MNAD_ADMIN_URL)")
      ->capture_default_str();
  app.add_option("--admin-token", admin.token,
                 "the admin token (env MNAD_ADMIN_TOKEN; default: read from --token-file)");
  app.add_option("--token-file", admin.token_file, "file holding the admin token")
      ->envname("MNAD_ADMIN_TOKEN_FILE")
      ->capture_default_str();
  app.add_flag("--json", admin.as_json, "print the API's JSON instead of tables");
  using http::verb;
  std::function<void()> run;  // the command chosen

  std::map<std::string, CLI::App*> groups;
  std::vector<Given> given(AdminCommands().size());
  for (size_t index = 0; index < AdminCommands().size(); ++index) {
    const AdminCommand& command = AdminCommands()[index];
    CLI::App* parent = &app;
    if (command.words.size() == 2) {
      CLI::App*& group = groups[command.words[0]];
      if (group == nullptr) {
        group = app.add_subcommand(command.words[0], "");
        group->require_subcommand(1);
      }
      parent = group;
    }
    CLI::App* sub = parent->add_subcommand(command.words.back(), command.description);
    Given& values = given[index];
    for (const Arg& arg : command.args) {
      std::string name = CliName(arg);
      CLI::Option* option = nullptr;
      if (arg.kind == Kind::kList) {
        option = sub->add_option(name, values.lists[name], arg.description);
      } else if (arg.kind == Kind::kSwitch) {
        option = sub->add_flag(name, values.switches[name], arg.description);
      } else {
        option = sub->add_option_function<std::string>(
            name, [&values, name](const std::string& v) { values.values[name] = v; },
            arg.description);
      }
      if (arg.required) option->required();
    }
    sub->callback([&admin, &run, &command, &values] {
      run = [&admin, &command, &values] { RunAdminCommand(admin, command, values); };
    });
  }
  groups["accounts"]->description("root accounts: list, show, create, set");
  groups["keys"]->description("API keys: list, create, disable, enable, delete");
  groups["sub-users"]->description("sub-users: list, create, set");
  groups["balance"]->description("balances: show, topup, adjust");
  groups["vouchers"]->description("vouchers: list, issue, cancel");
  groups["prices"]->description("prices: show, set");
  groups["clock"]->description("the test clock: show, freeze, advance, resume");

  // Commands that are not one JSON request and reply.
  app.add_subcommand("health", "is the server ready? (exit 0 when it is)")->callback([&] {
    run = [&] {
      HttpReply reply = Send(admin.url, verb::get, "/healthz", {}, "");
      std::cout << reply.body << "\n";
      if (reply.status != 200)
        throw Exit{1, "not ready (HTTP " + std::to_string(reply.status) + ")"};
    };
  });
  app.add_subcommand("info", "version, uptime, store and entity counts")->callback([&] {
    run = [&] { admin.Show(verb::get, "/info"); };
  });
  app.add_subcommand("metrics", "the Prometheus metrics")->callback([&] {
    run = [&] { admin.Show(verb::get, "/metrics"); };
  });
  std::string export_path;
  CLI::App* export_command =
      app.add_subcommand("export", "the whole state in the seed format (to FILE or stdout)");
  export_command->add_option("file", export_path, "where to write it");
  export_command->callback([&] {
    run = [&] {
      std::string text = mnad::admin::PrettyJson(admin.Call(verb::get, "/v1/export"));
      if (export_path.empty()) {
        std::cout << text;
        return;
      }
      std::ofstream file(export_path, std::ios::binary | std::ios::trunc);
      file << text;
      if (!file.flush()) throw Exit{2, "cannot write " + export_path};
      std::cerr << "exported to " << export_path << "\n";
    };
  });
  std::string import_path;
  CLI::App* import_command =
      app.add_subcommand("import", "apply a seed file (existing ids are skipped)");
  import_command->add_option("file", import_path, "the seed file")->required();
  import_command->callback([&] {
    run = [&] {
      admin.Show(verb::post, "/v1/import", {}, ParseJson(ReadFile(import_path), import_path));
    };
  });
  std::string reset_seed;
  bool reset_confirmed = false;
  CLI::App* reset = app.add_subcommand("reset", "empty the store, or reset it to a seed");
  reset->add_option("--seed", reset_seed, "the seed to start again from");
  reset->add_flag("--yes", reset_confirmed, "confirm: every account, key and order is deleted");
  reset->callback([&] {
    run = [&] {
      if (!reset_confirmed) throw Exit{2, "reset deletes everything; pass --yes to confirm"};
      json::object body;
      if (!reset_seed.empty()) body["seed"] = ParseJson(ReadFile(reset_seed), reset_seed);
      admin.Show(verb::post, "/v1/reset", {}, json::value(std::move(body)));
    };
  });
  CLI::App* all_journal = app.add_subcommand("journal-all", "every journal entry of every account");
  all_journal->callback([&] {
    run = [&] {
      admin.Show(verb::get, "/v1/journal",
                 {"journal",
                  {"entry_id", "at", "account_uin", "voucher_id", "delta_fen", "balance_after_fen",
                   "reason"}});
    };
  });

  std::string service, action, endpoint = "http://127.0.0.1:8080", region = "ap-guangzhou", version,
                               profile = "default";
  if (const char* env = std::getenv("MNAD_ENDPOINT")) endpoint = env;
  if (const char* env = std::getenv("TENCENTCLOUD_REGION")) region = env;
  std::vector<std::string> parameters;
  CLI::App* call = app.add_subcommand(
      "call",
      "a TC3-signed call to the TC API, tccli style: mnactl call mna OrderPerLicense "
      "--DeviceId mna-x --Type 0 (values parse as JSON when they can)");
  call->add_option("service", service, "mna or billing")->required();
  call->add_option("action", action, "the Action, e.g. OrderPerLicense")->required();
  call->add_option("--endpoint", endpoint, "the TC API (env MNAD_ENDPOINT)")->capture_default_str();
  call->add_option("--region", region, "X-TC-Region (env TENCENTCLOUD_REGION; \"\" for none)")
      ->capture_default_str();
  call->add_option("--version", version, "X-TC-Version (default: the service's)");
  call->add_option("--profile", profile, "tccli profile for credentials (~/.tccli/NAME.credential)")
      ->capture_default_str();
  call->allow_extras();
  call->fallthrough(false);  // its --Parameters are the action's, not mnactl's
  int call_status = 0;
  call->callback([&] {
    run = [&] {
      call_status =
          SignedCall(service, action, call->remaining(), endpoint, region, version, profile);
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int status = app.exit(error);  // prints help, or the usage error
    return status == 0 ? 0 : 2;
  }
  try {
    if (run) run();
  } catch (const Exit& exit) {
    std::cerr << "mnactl: " << exit.message << "\n";
    return exit.status;
  }
  return call_status;
}

}  // namespace mnactl

int main(int argc, char** argv) {
  return mnactl::Main(argc, argv);
}
