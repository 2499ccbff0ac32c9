#include "app/config.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <vector>

namespace mnad::app {

bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  const char* begin = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  auto [parsed_end, error] = std::from_chars(begin, end, *port);
  return error == std::errc() && parsed_end == end;
}

namespace {

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

// The value of `--name VALUE` / `--name=VALUE` on the command line.
std::optional<std::string> FlagValue(const std::vector<std::string>& args, std::string_view name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) return args[i + 1];
    if (args[i].starts_with(std::string(name) + "=")) return args[i].substr(name.size() + 1);
  }
  return std::nullopt;
}

bool FlagGiven(const std::vector<std::string>& args, std::string_view name) {
  for (const std::string& arg : args) {
    if (arg == name || arg.starts_with(std::string(name) + "=")) return true;
  }
  return false;
}

// Reads `setting = value` lines (# comments; the value may be quoted) and
// turns each setting that neither a flag nor its environment variable sets
// into `--setting=value`, so that the file ranks below both. False (with a
// message naming the line) on an unreadable file or an unknown setting.
bool ConfigFileArgs(const std::string& path, CLI::App& app, const std::vector<std::string>& args,
                    std::vector<std::string>* out) {
  std::ifstream file(path);
  if (!file) {
    std::cerr << "--config: cannot read " << path << "\n";
    return false;
  }
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    std::string text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    size_t equals = text.find('=');
    std::string where = path + ":" + std::to_string(number);
    if (equals == std::string::npos) {
      std::cerr << where << ": expected `setting = value`, got \"" << text << "\"\n";
      return false;
    }
    std::string key = Trim(text.substr(0, equals));
    std::string value = Trim(text.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    std::string flag = "--" + key;
    const CLI::Option* option = key == "config" ? nullptr : app.get_option_no_throw(flag);
    if (option == nullptr) {
      std::cerr << where << ": unknown setting `" << key << "` (see mnad --help)\n";
      return false;
    }
    const std::string& envname = option->get_envname();
    if (FlagGiven(args, flag) || (!envname.empty() && std::getenv(envname.c_str()) != nullptr))
      continue;
    out->push_back(flag + "=" + value);
  }
  return true;
}

}  // namespace

std::optional<Config> ParseConfig(int argc, char** argv, int* exit_code) {
  Config config;
  CLI::App app{"mnad: a Tencent Cloud MNA (OrderPerLicense) API server"};
  app.name("mnad");
  app.option_defaults()->always_capture_default();
  app.add_option("--listen", config.listen,
                 "HOST:PORT for the TC API 3.0 endpoint; port 0 picks a free port")
      ->envname("MNAD_LISTEN");
  app.add_option("--data-dir", config.data_dir,
                 "directory of the SQLite database (mnad.db), created if absent")
      ->envname("MNAD_DATA_DIR");
  app.add_option("--store-url", config.store_url,
                 "PostgreSQL connection URL (postgresql://user:password@host:port/dbname); the "
                 "state is then kept there instead of SQLite in --data-dir")
      ->envname("MNAD_STORE_URL")
      ->check([](const std::string& url) -> std::string {
        if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return "";
        return "must start with postgresql:// or postgres://";
      });
  app.add_option("--store-writers", config.store_writers,
                 "PostgreSQL: writer threads, each with its connection; an account's commands "
                 "run on one of them at a time")
      ->envname("MNAD_STORE_WRITERS")
      ->check(CLI::Range(1, 64));
  app.add_option("--seed", config.seed_path,
                 "seed file (JSON) applied at start; existing ids are skipped")
      ->envname("MNAD_SEED")
      ->check(CLI::ExistingFile);
  app.add_option("--io-threads", config.io_threads,
                 "I/O threads (0 = one per core but one, left to the store's writer; at least 1)")
      ->envname("MNAD_IO_THREADS")
      ->check(CLI::Range(0, 256));
  app.add_option("--rate-limit-per-second", config.rate_limit_per_second,
                 "requests per second per (Action, caller, Region); 0 disables the limit")
      ->envname("MNAD_RATE_LIMIT_PER_SECOND")
      ->check(CLI::Range(0, 1'000'000));
  app.add_option("--signature-clock-skew-seconds-max", config.signature_clock_skew_seconds_max,
                 "seconds a request's timestamp may differ from the server clock")
      ->envname("MNAD_SIGNATURE_CLOCK_SKEW_SECONDS_MAX")
      ->check(CLI::Range(1, 86400));
  app.add_option(
         "--credential-cache-ms", config.credential_cache_ms,
         "milliseconds a resolved API key is reused before the store is asked again; 0 disables")
      ->envname("MNAD_CREDENTIAL_CACHE_MS")
      ->check(CLI::Range(0, 60'000));
  app.add_option("--admin-listen", config.admin_listen,
                 "HOST:PORT of the operator's admin API (accounts, keys, money, health, metrics); "
                 "\"off\" disables it")
      ->envname("MNAD_ADMIN_LISTEN");
  app.add_option("--admin-token", config.admin_token,
                 "admin API token (at least 32 characters); default: generated once into "
                 "<data-dir>/admin-token with mode 0600")
      ->envname("MNAD_ADMIN_TOKEN");
  app.add_option("--log-requests", config.log_requests,
                 "write one JSON log line per API request (true/false)")
      ->envname("MNAD_LOG_REQUESTS");
  app.add_flag("--in-memory", config.in_memory,
               "keep the store in RAM (a private tmpfs directory, removed at exit) instead of "
               "--data-dir; for throwaway test runs")
      ->envname("MNAD_IN_MEMORY");
  app.add_flag("--test-clock", config.test_clock,
               "let the admin API freeze and advance the business clock (voucher validity, "
               "package periods); for emulator tests, never for real money")
      ->envname("MNAD_TEST_CLOCK");
  app.add_option("--export-seed", config.export_seed_path,
                 "write the store's state as a seed file (JSON) to FILE and exit")
      ->envname("MNAD_EXPORT_SEED");
  app.add_option("--connections-max", config.connections_max,
                 "open connections to the TC API at once; one more is answered 503 and closed "
                 "(0 = the file-descriptor limit less a reserve, at most 10000)")
      ->envname("MNAD_CONNECTIONS_MAX")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000}));
  app.add_option("--connections-per-peer-max", config.connections_per_peer_max,
                 "open TC API connections from one IP address at once (0 = no per-peer cap; "
                 "behind a load balancer every client is one peer)")
      ->envname("MNAD_CONNECTIONS_PER_PEER_MAX")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000}));
  app.add_option("--request-bytes-in-flight-max", config.request_bytes_in_flight_max,
                 "bytes of request bodies held at once over all connections; bodies above 64 KiB "
                 "are charged, and refused with RequestSizeLimitExceeded when it is spent")
      ->envname("MNAD_REQUEST_BYTES_IN_FLIGHT_MAX")
      ->check(CLI::Range(int64_t{1024 * 1024}, int64_t{1} << 40));
  app.add_option("--tls-cert", config.tls_cert_path,
                 "PEM certificate chain: serve the TC API and the admin API over HTTPS "
                 "(with --tls-key)")
      ->envname("MNAD_TLS_CERT")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", config.tls_key_path, "PEM private key of --tls-cert")
      ->envname("MNAD_TLS_KEY")
      ->check(CLI::ExistingFile);
  app.add_option("--config", config.config_path,
                 "config file of `setting = value` lines (settings as the flags are named, "
                 "without --); flags and MNAD_ variables override it")
      ->envname("MNAD_CONFIG")
      ->check(CLI::ExistingFile);

  std::vector<std::string> args(argv + 1, argv + argc);
  std::optional<std::string> config_file = FlagValue(args, "--config");
  if (!config_file && std::getenv("MNAD_CONFIG") != nullptr)
    config_file = std::getenv("MNAD_CONFIG");
  std::vector<std::string> combined;
  if (config_file && !FlagGiven(args, "--help") && !FlagGiven(args, "-h")) {
    if (!ConfigFileArgs(*config_file, app, args, &combined)) {
      *exit_code = 2;
      return std::nullopt;
    }
  }
  combined.insert(combined.end(), args.begin(), args.end());
  try {
    // CLI11 parses a reversed vector of the arguments.
    std::vector<std::string> reversed(combined.rbegin(), combined.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    *exit_code = app.exit(error);
    return std::nullopt;
  }
  std::string host;
  uint16_t port = 0;
  if (!SplitHostPort(config.listen, &host, &port)) {
    std::cerr << "--listen: expected HOST:PORT, got \"" << config.listen << "\"\n";
    *exit_code = 2;
    return std::nullopt;
  }
  if (config.admin_listen != "off" && !SplitHostPort(config.admin_listen, &host, &port)) {
    std::cerr << "--admin-listen: expected HOST:PORT or off, got \"" << config.admin_listen
              << "\"\n";
    *exit_code = 2;
    return std::nullopt;
  }
  if (config.tls_cert_path.has_value() != config.tls_key_path.has_value()) {
    std::cerr << "--tls-cert and --tls-key: give both, or neither for plain HTTP\n";
    *exit_code = 2;
    return std::nullopt;
  }
  if (config.in_memory && config.store_url) {
    std::cerr << "--in-memory and --store-url: choose one (the in-memory store is a SQLite one)\n";
    *exit_code = 2;
    return std::nullopt;
  }
  if (config.admin_token && config.admin_token->size() < 32) {
    std::cerr << "--admin-token: must be at least 32 characters\n";
    *exit_code = 2;
    return std::nullopt;
  }
  return config;
}

}  // namespace mnad::app
