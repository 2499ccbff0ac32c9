#include "app/config.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>

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

std::optional<Config> ParseConfig(int argc, char** argv, int* exit_code) {
  Config config;
  CLI::App app{"mnad: a Tencent Cloud MNA (OrderPerLicense) API server"};
  app.option_defaults()->always_capture_default();
  app.add_option("--listen", config.listen,
                 "HOST:PORT for the TC API 3.0 endpoint; port 0 picks a free port")
      ->envname("MNAD_LISTEN");
  app.add_option("--data-dir", config.data_dir,
                 "directory of the SQLite database (mnad.db), created if absent")
      ->envname("MNAD_DATA_DIR");
  app.add_option("--seed", config.seed_path,
                 "seed file (JSON) applied at start; existing ids are skipped")
      ->envname("MNAD_SEED")
      ->check(CLI::ExistingFile);
  app.add_option("--io-threads", config.io_threads, "I/O threads (0 = one per core)")
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
                 "HOST:PORT of the admin API (health, info, metrics); \"off\" disables it")
      ->envname("MNAD_ADMIN_LISTEN");
  app.add_option("--admin-token", config.admin_token,
                 "admin API token (at least 32 characters); default: generated once into "
                 "<data-dir>/admin-token with mode 0600")
      ->envname("MNAD_ADMIN_TOKEN");
  app.add_option("--log-requests", config.log_requests,
                 "write one JSON log line per API request (true/false)")
      ->envname("MNAD_LOG_REQUESTS");
  try {
    app.parse(argc, argv);
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
  if (config.admin_token && config.admin_token->size() < 32) {
    std::cerr << "--admin-token: must be at least 32 characters\n";
    *exit_code = 2;
    return std::nullopt;
  }
  return config;
}

}  // namespace mnad::app
