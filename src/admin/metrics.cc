#include "admin/metrics.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/text.h"
#include "core/time_format.h"

namespace mnad::admin {
namespace {

// Label values are our own names and Tencent codes; escaping keeps the
// format valid even so.
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out.empty() ? "-" : out;
}

void RenderHistogram(std::string& out, std::string_view name, std::string_view help,
                     const Histogram& histogram) {
  Histogram::Snapshot snapshot = histogram.Read();
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  for (size_t i = 0; i < snapshot.bounds.size(); ++i) {
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, snapshot.bounds[i],
                       snapshot.cumulative[i]);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, snapshot.cumulative.back());
  out +=
      fmt::format("{}_sum {}\n{}_count {}\n", name, snapshot.sum, name, snapshot.cumulative.back());
}

}  // namespace

void Metrics::Record(const api::RequestRecord& record) {
  latency_seconds_.Observe(record.latency_seconds);
  std::lock_guard lock(mutex_);
  ++requests_[{record.service, record.action, record.code.empty() ? "Success" : record.code}];
  if (record.code == "RequestLimitExceeded") ++rate_limit_refusals_;
}

uint64_t Metrics::requests_total() const {
  std::lock_guard lock(mutex_);
  uint64_t total = 0;
  for (const auto& [key, count] : requests_) total += count;
  return total;
}

std::string Metrics::Render(const StoreHistograms& store) const {
  std::string out;
  {
    std::lock_guard lock(mutex_);
    out +=
        "# HELP mnad_requests_total TC API requests answered, by service, action and code.\n"
        "# TYPE mnad_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      const auto& [service, action, code] = key;
      out += fmt::format("mnad_requests_total{{service=\"{}\",action=\"{}\",code=\"{}\"}} {}\n",
                         Label(service), Label(action), Label(code), count);
    }
    out += fmt::format(
        "# HELP mnad_rate_limit_refusals_total Requests refused with RequestLimitExceeded.\n"
        "# TYPE mnad_rate_limit_refusals_total counter\nmnad_rate_limit_refusals_total {}\n",
        rate_limit_refusals_);
  }
  RenderHistogram(out, "mnad_request_duration_seconds",
                  "Time from a request's arrival to its reply.", latency_seconds_);
  if (store.batch_sizes != nullptr) {
    RenderHistogram(out, "mnad_group_commit_batch_size",
                    "Commands committed together by one COMMIT.", *store.batch_sizes);
  }
  if (store.commit_seconds != nullptr) {
    RenderHistogram(out, "mnad_group_commit_duration_seconds",
                    "Time from a batch's COMMIT to the end of the fsync that makes it durable.",
                    *store.commit_seconds);
  }
  if (store.sync_seconds != nullptr) {
    RenderHistogram(out, "mnad_wal_fsync_duration_seconds", "Duration of one fdatasync of the WAL.",
                    *store.sync_seconds);
  }
  return out;
}

namespace {

// A log field holds at most this many bytes of client text.
constexpr size_t kLogFieldBytesMax = 64;

// Appends `text` as a JSON string (quoted and escaped), cut to
// kLogFieldBytesMax and with invalid UTF-8 replaced: a field may carry
// client text (the Region), which must not make a line long or invalid.
void AppendJsonString(std::string& out, std::string_view raw) {
  // Almost every field is short and valid: copied only when it is not.
  std::string bounded;
  std::string_view text = raw;
  if (raw.size() > kLogFieldBytesMax || !IsValidUtf8(raw)) {
    bounded = BoundedText(raw, kLogFieldBytesMax);
    text = bounded;
  }
  out.push_back('"');
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte == 0x7F) {
      out.append(fmt::format("\\u{:04x}", byte));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string RenderListenerMetrics(const std::vector<ListenerGauges>& listeners,
                                  const http::ByteBudget& budget, size_t rate_limiter_keys,
                                  uint64_t rate_limiter_untracked) {
  struct Family {
    const char* name;
    const char* type;
    const char* help;
    std::atomic<uint64_t> http::ServerStats::*member;
  };
  static constexpr Family kFamilies[] = {
      {"mnad_connections_open", "gauge", "Open connections.",
       &http::ServerStats::connections_open},
      {"mnad_connections_refused_total", "counter",
       "Connections answered 503 and closed at a connection cap.",
       &http::ServerStats::connections_refused},
      {"mnad_accept_errors_total", "counter",
       "Failed accepts (e.g. out of file descriptors), each followed by a pause.",
       &http::ServerStats::accept_errors},
      {"mnad_requests_malformed_total", "counter",
       "Requests answered 400: not valid HTTP/1.1, or an ambiguous body length.",
       &http::ServerStats::requests_malformed},
      {"mnad_requests_refused_busy_total", "counter",
       "Large requests refused because the budget of body bytes in flight was spent.",
       &http::ServerStats::requests_refused_busy},
      {"mnad_tls_handshake_failures_total", "counter", "TLS handshakes that failed.",
       &http::ServerStats::tls_handshake_failures},
  };
  std::string out;
  for (const Family& family : kFamilies) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, family.help, family.name,
                       family.type);
    for (const ListenerGauges& listener : listeners) {
      out += fmt::format("{}{{listener=\"{}\"}} {}\n", family.name, listener.listener,
                         (listener.stats->*family.member).load());
    }
  }
  out += fmt::format(
      "# HELP mnad_request_body_bytes_in_flight Bytes of large request bodies held now.\n"
      "# TYPE mnad_request_body_bytes_in_flight gauge\nmnad_request_body_bytes_in_flight {}\n"
      "# HELP mnad_request_body_bytes_in_flight_max The budget of body bytes in flight.\n"
      "# TYPE mnad_request_body_bytes_in_flight_max gauge\n"
      "mnad_request_body_bytes_in_flight_max {}\n"
      "# HELP mnad_rate_limiter_keys (Action, caller, Region) windows held by the rate limiter.\n"
      "# TYPE mnad_rate_limiter_keys gauge\nmnad_rate_limiter_keys {}\n"
      "# HELP mnad_rate_limiter_untracked_total Requests admitted untracked: the limiter was "
      "full.\n# TYPE mnad_rate_limiter_untracked_total counter\n"
      "mnad_rate_limiter_untracked_total {}\n",
      budget.used(), budget.limit(), rate_limiter_keys, rate_limiter_untracked);
  return out;
}

// Written by hand rather than through a JSON object: it runs once per
// request, and the fields are fixed.
std::string RequestLogLine(const api::RequestRecord& record, int64_t unix_millis) {
  std::string line;
  line.reserve(256);
  line.append("{\"time\":");
  AppendJsonString(line, FormatRfc3339(unix_millis / 1000));
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"request_id", record.request_id},
      {"service", record.service},
      {"action", record.action},
      {"caller_uin", record.caller_uin},
      {"region", record.region},
      {"code", record.code.empty() ? std::string_view("Success") : record.code}};
  for (const auto& [name, value] : fields) {
    line.append(",\"").append(name).append("\":");
    AppendJsonString(line, value);
  }
  line.append(",\"latency_us\":")
      .append(std::to_string(static_cast<int64_t>(record.latency_seconds * 1e6)))
      .append("}");
  return line;
}

}  // namespace mnad::admin
