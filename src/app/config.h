// mnad's settings: command-line flags, each also readable from an MNAD_…
// environment variable and from a config file (`--config FILE`, lines of
// `setting = value`). Precedence: flags > environment > file > defaults.
// Thread-safe: plain data after parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mnad::app {

struct Config {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT of the TC API; port 0 picks one
  std::string data_dir = "./data";        // holds mnad.db (SQLite) and the admin token
  // postgresql://user:password@host:port/dbname: the state in PostgreSQL
  // instead of SQLite in data_dir.
  std::optional<std::string> store_url;
  int store_writers = 2;  // PostgreSQL: writer connections, commands placed by account
  std::optional<std::string> seed_path;   // applied at start, idempotently
  int io_threads = 0;                     // 0: cores - 1 (at least 1)
  int rate_limit_per_second = 20;         // per (Action, caller, Region)
  int signature_clock_skew_seconds_max = 300;
  int credential_cache_ms = 1000;               // how long a resolved API key is reused
  std::string admin_listen = "127.0.0.1:8081";  // the operator API; "off" disables it
  std::optional<std::string> admin_token;       // default: <data-dir>/admin-token
  bool log_requests = true;                     // one JSON line per API request
  bool in_memory = false;                       // a throwaway store in RAM (tmpfs)
  bool test_clock = false;                      // the admin API may freeze and move time
  std::optional<std::string> export_seed_path;  // write the state as a seed, then exit
  std::optional<std::string> config_path;       // the config file read, if any
  // Open API connections at once; 0: derived from the file-descriptor limit.
  int64_t connections_max = 0;
  int64_t connections_per_peer_max = 0;                      // 0: no per-peer cap
  int64_t request_bytes_in_flight_max = 64 * 1024 * 1024;  // bodies over 64 KiB, all listeners
  std::optional<std::string> tls_cert_path;                  // PEM chain; with tls_key_path
  std::optional<std::string> tls_key_path;
};

// Parses argv. On --help or an invalid setting it prints and returns the
// process exit code in `exit_code`.
std::optional<Config> ParseConfig(int argc, char** argv, int* exit_code);

// Splits "host:port"; false when malformed.
bool SplitHostPort(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace mnad::app
