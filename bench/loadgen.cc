// mnad's load generator: signs real TC3-HMAC-SHA256 requests (a fresh
// signature per request, as the SDKs do) and drives them over keep-alive
// connections, then reports throughput, latency percentiles and every
// non-success by code. The same generator loads nginx for the reference, so
// both sides of a ratio pay the same client cost.
//
//   loadgen write-seed FILE --accounts A --devices D
//   loadgen run --target HOST:PORT --mode order|getdevice|fixed
//           --connections C --seconds S [--threads T] [--accounts A --devices D]
//           [--device-offset N]
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "auth/crypto.h"
#include "auth/tc3.h"
#include "core/time_format.h"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

std::string SecretId(int account) {
  return fmt::format("AKIDbench{:027d}", account);
}
std::string SecretKey(int account) {
  return fmt::format("bench-secret-{:019d}", account);
}
std::string DeviceId(int account, int device) {
  return fmt::format("mna-b{:04d}{:06d}", account, device);
}

int WriteSeed(const std::string& path, int accounts, int devices) {
  std::ofstream out(path);
  out << R"({"version":1,"regions":["ap-guangzhou"],"prices":{"license_fen":100000},"accounts":[)";
  for (int a = 0; a < accounts; ++a) {
    out << (a ? "," : "")
        << fmt::format(
               R"({{"uin":"{}","app_id":{},"name":"bench{}","identity_verified":true,"service_authorized":true,)"
               R"("balance_fen":{},"keys":[{{"secret_id":"{}","secret_key":"{}"}}],"devices":[)",
               800000000000 + a, 1300000000 + a, a, int64_t{devices} * 100000 * 2, SecretId(a),
               SecretKey(a));
    for (int d = 0; d < devices; ++d) {
      out << (d ? "," : "")
          << fmt::format(R"({{"device_id":"{}","name":"d{}","license_pay_mode":1}})",
                         DeviceId(a, d), d);
    }
    out << "]}";
  }
  out << "]}";
  return out ? 0 : 1;
}

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string mode = "order";
  int connections = 64;
  double seconds = 10;
  double warmup_seconds = 1;
  int accounts = 64;
  int devices = 1000;
  // order: each account's purchases start at this device (a later run on
  // the same data starts past the devices an earlier one bought).
  int device_offset = 0;
  int64_t requests = 0;  // > 0: stop after this many requests instead of a duration
  // Threads, each with its own share of the connections: one thread is a
  // ceiling of its own (about 48k requests/s here), below nginx's.
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

struct Stats {
  std::vector<uint32_t> latency_us;
  std::map<std::string, uint64_t> errors;
  uint64_t ok = 0;
  uint64_t replies = 0;  // every reply, warm-up included: what the server answered
};

// CPU seconds (user and system) this process has used so far.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One keep-alive connection issuing requests back to back.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& io, const Options& options, int index, Stats* stats,
             const Clock::time_point* start, const Clock::time_point* end,
             std::atomic<int>* next_device, std::atomic<int64_t>* issued)
      : stream_(io),
        options_(options),
        account_(index % options.accounts),
        stats_(stats),
        start_(start),
        end_(end),
        next_device_(next_device),
        issued_(issued) {}

  void Start(const net::ip::tcp::resolver::results_type& endpoints) {
    stream_.async_connect(endpoints, [self = shared_from_this()](beast::error_code error, auto) {
      if (error) return self->Fail("connect:" + error.message());
      self->Send();
    });
  }

 private:
  std::string Body() {
    if (options_.mode == "order") {
      // Devices are spread over accounts: connection i buys from account i % A.
      // Purchases go round the accounts, so every account's devices are used.
      static std::atomic<uint64_t> next_account{0};
      account_ = static_cast<int>(next_account.fetch_add(1) % options_.accounts);
      int n = next_device_[account_].fetch_add(1);
      if (n >= options_.devices) return "";
      return fmt::format(R"({{"DeviceId":"{}","Type":0}})", DeviceId(account_, n));
    }
    if (options_.mode == "getdevice")
      return fmt::format(R"({{"DeviceId":"{}"}})", DeviceId(account_, 0));
    return "{}";
  }

  void Send() {
    if (Clock::now() >= *end_) return;
    if (options_.requests > 0 && issued_->fetch_add(1) >= options_.requests) return;
    std::string body = Body();
    if (body.empty()) return Fail("out-of-devices");
    std::string action = options_.mode == "order" ? "OrderPerLicense" : "GetDevice";
    int64_t timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::string host = options_.host;  // signed without the port, as the Node SDK does
    request_ = {};
    request_.method(http::verb::post);
    request_.target("/");
    request_.version(11);
    request_.set(http::field::host, host + ":" + options_.port);
    request_.set(http::field::content_type, "application/json");
    request_.set("X-TC-Action", action);
    request_.set("X-TC-Version", "2021-01-19");
    request_.set("X-TC-Region", "ap-guangzhou");
    request_.set("X-TC-Timestamp", std::to_string(timestamp));
    request_.set(http::field::authorization,
                 mnad::auth::Tc3AuthorizationForJsonPost(SecretId(account_), SecretKey(account_),
                                                         "mna", host, timestamp, body));
    request_.body() = std::move(body);
    request_.prepare_payload();
    sent_ = Clock::now();
    http::async_write(
        stream_, request_, [self = shared_from_this()](beast::error_code error, size_t) {
          if (error) return self->Fail("write:" + error.message());
          self->response_ = {};
          http::async_read(
              self->stream_, self->buffer_, self->response_,
              [self](beast::error_code read_error, size_t) { self->OnResponse(read_error); });
        });
  }

  void OnResponse(beast::error_code error) {
    if (error) return Fail("read:" + error.message());
    ++stats_->replies;
    Clock::time_point now = Clock::now();
    if (sent_ >= *start_) {
      std::string code;
      if (response_.result_int() != 200) {
        code = "http-" + std::to_string(response_.result_int());
      } else if (response_.body().find("\"Error\"") != std::string::npos) {
        boost::json::value parsed = boost::json::parse(response_.body());
        code = std::string(parsed.at("Response").at("Error").at("Code").as_string());
      }
      if (code.empty()) {
        ++stats_->ok;
        stats_->latency_us.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(now - sent_).count()));
      } else {
        ++stats_->errors[code];
      }
    }
    Send();
  }

  void Fail(const std::string& what) { ++stats_->errors[what]; }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  const Options& options_;
  int account_;
  Stats* stats_;
  const Clock::time_point* start_;
  const Clock::time_point* end_;
  std::atomic<int>* next_device_;
  std::atomic<int64_t>* issued_;
  Clock::time_point sent_;
};

int Run(const Options& options) {
  int threads = std::max(1, std::min(options.threads, options.connections));
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (int t = 0; t < threads; ++t) contexts.push_back(std::make_unique<net::io_context>(1));
  net::ip::tcp::resolver resolver(*contexts[0]);
  auto endpoints = resolver.resolve(options.host, options.port);
  std::vector<Stats> per_thread(static_cast<size_t>(threads));
  for (Stats& stats : per_thread) stats.latency_us.reserve(1 << 21);
  Clock::time_point start =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.warmup_seconds));
  Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options.seconds));
  std::vector<std::atomic<int>> next_device(options.accounts);
  for (std::atomic<int>& next : next_device) next = options.device_offset;
  std::atomic<int64_t> issued{0};
  for (int i = 0; i < options.connections; ++i) {
    size_t t = static_cast<size_t>(i % threads);
    std::make_shared<Connection>(*contexts[t], options, i, &per_thread[t], &start, &end,
                                 next_device.data(), &issued)
        ->Start(endpoints);
  }
  double cpu_before = ProcessCpuSeconds();
  std::vector<std::thread> runners;
  for (int t = 1; t < threads; ++t) runners.emplace_back([&contexts, t] { contexts[t]->run(); });
  contexts[0]->run();
  for (std::thread& runner : runners) runner.join();
  double cpu_seconds = ProcessCpuSeconds() - cpu_before;
  Stats stats;
  for (Stats& part : per_thread) {
    stats.ok += part.ok;
    stats.replies += part.replies;
    stats.latency_us.insert(stats.latency_us.end(), part.latency_us.begin(), part.latency_us.end());
    for (const auto& [code, count] : part.errors) stats.errors[code] += count;
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  double seconds = options.requests > 0 ? std::max(elapsed, 1e-9) : options.seconds;
  std::sort(stats.latency_us.begin(), stats.latency_us.end());
  auto percentile = [&](double p) -> double {
    if (stats.latency_us.empty()) return 0;
    size_t index =
        std::min(stats.latency_us.size() - 1, static_cast<size_t>(p * stats.latency_us.size()));
    return stats.latency_us[index] / 1000.0;
  };
  boost::json::object errors;
  for (const auto& [code, count] : stats.errors) errors[code] = count;
  boost::json::object report{
      {"mode", options.mode},
      {"connections", options.connections},
      {"seconds", seconds},
      {"ok", stats.ok},
      {"throughput_per_second", stats.ok / seconds},
      {"p50_ms", percentile(0.50)},
      {"p99_ms", percentile(0.99)},
      {"p999_ms", percentile(0.999)},
      {"errors", errors},
      // Warm-up included on both sides of the division.
      {"replies", stats.replies},
      {"generator_cpu_us_per_reply", stats.replies ? cpu_seconds * 1e6 / stats.replies : 0.0}};
  std::printf("%s\n", boost::json::serialize(report).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "write-seed") {
    Options options;
    for (size_t i = 2; i + 1 < args.size(); i += 2) {
      if (args[i] == "--accounts") options.accounts = std::stoi(args[i + 1]);
      if (args[i] == "--devices") options.devices = std::stoi(args[i + 1]);
    }
    return WriteSeed(args[1], options.accounts, options.devices);
  }
  if (args.empty() || args[0] != "run") {
    std::fprintf(
        stderr,
        "usage: loadgen write-seed FILE [--accounts A --devices D]\n"
        "       loadgen run --target HOST:PORT --mode order|getdevice|fixed [--connections C]"
        " [--seconds S] [--warmup S] [--threads T] [--accounts A --devices D]"
        " [--device-offset N]\n");
    return 2;
  }
  Options options;
  for (size_t i = 1; i + 1 < args.size(); i += 2) {
    const std::string& flag = args[i];
    const std::string& value = args[i + 1];
    if (flag == "--target") {
      options.host = value.substr(0, value.rfind(':'));
      options.port = value.substr(value.rfind(':') + 1);
    } else if (flag == "--mode") {
      options.mode = value;
    } else if (flag == "--connections") {
      options.connections = std::stoi(value);
    } else if (flag == "--seconds") {
      options.seconds = std::stod(value);
    } else if (flag == "--warmup") {
      options.warmup_seconds = std::stod(value);
    } else if (flag == "--accounts") {
      options.accounts = std::stoi(value);
    } else if (flag == "--devices") {
      options.devices = std::stoi(value);
    } else if (flag == "--device-offset") {
      options.device_offset = std::stoi(value);
    } else if (flag == "--requests") {
      options.requests = std::stoll(value);
    } else if (flag == "--threads") {
      options.threads = std::stoi(value);
    }
  }
  return Run(options);
}
