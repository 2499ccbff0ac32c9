// mnad's entry point: reads the configuration, opens the store, applies the
// seed, wires the layers and serves until SIGTERM/SIGINT. The only place
// that chooses a store backend.
#include <malloc.h>
#ifdef MNAD_TCMALLOC
#include <gperftools/malloc_extension.h>
#endif
#include <pthread.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

#include "admin/admin_api.h"
#include "admin/metrics.h"
#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "admin/views.h"
#include "api/envelope.h"
#include "api/gateway.h"
#include "api/router.h"
#include "app/config.h"
#include "auth/authenticator.h"
#include "auth/credential_cache.h"
#include "auth/crypto.h"
#include "billing/actions.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/server.h"
#include "mna/actions.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace mnad::app {
namespace {

// Writes log lines to stderr through stdio's buffer, without the flush per
// line of spdlog's stderr sink; flushed by spdlog::flush_every and at exit.
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

// A private directory in RAM (tmpfs) for --in-memory, removed with its
// contents when the run ends.
class MemoryDirectory {
 public:
  ~MemoryDirectory() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  bool Create() {
    std::string pattern = "/dev/shm/mnad-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return false;
    path_ = pattern;
    return true;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Returns the allocator's free pages to the system. tcmalloc keeps freed
// pages for reuse and gives them back only slowly: without this, the pages
// that parsed a seed of a million devices stayed resident (826 MiB).
void ReleaseFreeMemory() {
#ifdef MNAD_TCMALLOC
  MallocExtension::instance()->ReleaseFreeMemory();
#else
  malloc_trim(0);
#endif
}

// Connections to the admin API at once.
constexpr size_t kAdminConnectionsMax = 64;
constexpr int kReleaseIntervalSeconds = 2;
// File descriptors kept for everything but connections: the store's files,
// the logs, the admin API's connections, refusals in progress.
constexpr uint64_t kDescriptorReserve = 128 + kAdminConnectionsMax;
constexpr uint64_t kConnectionsDefaultMax = 10'000;

// Raises the soft file-descriptor limit to the hard one, and returns the
// default connection cap it leaves room for (at least 16).
size_t DefaultConnectionsMax() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024 - kDescriptorReserve;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  uint64_t descriptors =
      limit.rlim_cur == RLIM_INFINITY ? kConnectionsDefaultMax * 2 : limit.rlim_cur;
  if (descriptors <= kDescriptorReserve + 16) return 16;
  return static_cast<size_t>(std::min(descriptors - kDescriptorReserve, kConnectionsDefaultMax));
}

// Writes the store's state as a seed file (through a temporary file, so
// that FILE is either the old one or the complete new one).
int ExportSeed(store::Store& store, const std::string& path) {
  std::string text;
  Result<void> read = store.ReadSnapshot([&](store::Transaction& transaction) -> Result<void> {
    Result<store::SeedData> state = admin::ReadState(transaction);
    if (!state) return tl::unexpected(state.error());
    text = admin::PrettyJson(admin::SeedJson(*state));
    return {};
  });
  if (!read) {
    spdlog::error("--export-seed: {}", read.error().message);
    return 1;
  }
  std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << text;
    file.flush();
    if (!file) {
      spdlog::error("--export-seed: cannot write {}", temporary);
      return 1;
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    spdlog::error("--export-seed: cannot write {}: {}", path, error.message());
    return 1;
  }
  spdlog::info("state exported to {}", path);
  return 0;
}

int Run(const Config& config) {
  SystemClock clock;
  // Business rules read this clock; the admin API moves it with
  // --test-clock. Signatures and rate limits read the real one.
  AdjustableClock business_clock(&clock);
  SystemRandom random;

  MemoryDirectory memory_directory;
  std::string data_dir = config.data_dir;
  if (config.in_memory) {
    if (!memory_directory.Create()) {
      spdlog::error("--in-memory: cannot create a directory in /dev/shm: {}", std::strerror(errno));
      return 1;
    }
    data_dir = memory_directory.path();
  }
  std::error_code fs_error;
  std::filesystem::create_directories(data_dir, fs_error);
  if (fs_error) {
    spdlog::error("--data-dir {}: {}", data_dir, fs_error.message());
    return 1;
  }
  // The one place that picks a backend.
  std::string db_path = (std::filesystem::path(data_dir) / "mnad.db").string();
  std::unique_ptr<store::Store> store_owner;
  store::sqlite::SqliteStore* sqlite_store = nullptr;
  store::postgres::PgStore* pg_store = nullptr;
  if (config.store_url) {
    Result<std::unique_ptr<store::postgres::PgStore>> opened = store::postgres::PgStore::Open(
        {.settings = {.url = *config.store_url}, .writers = config.store_writers}, &business_clock);
    if (!opened) {
      spdlog::error("--store-url {}: {}", store::postgres::RedactUrl(*config.store_url),
                    opened.error().message);
      return 1;
    }
    pg_store = opened->get();
    store_owner = std::move(*opened);
  } else {
    Result<std::unique_ptr<store::sqlite::SqliteStore>> opened =
        store::sqlite::SqliteStore::Open({.path = db_path}, &business_clock);
    if (!opened) {
      spdlog::error("{}", opened.error().message);
      return 1;
    }
    sqlite_store = opened->get();
    store_owner = std::move(*opened);
  }
  store::Store& store = *store_owner;
  // Commands committed and commits, whichever the backend.
  auto writer_counts = [&]() -> std::pair<uint64_t, uint64_t> {
    if (sqlite_store != nullptr) {
      store::sqlite::WriterStats stats = sqlite_store->stats();
      return {stats.commands, stats.batches};
    }
    store::postgres::PgWriterStats stats = pg_store->stats();
    return {stats.commands, stats.batches};
  };

  if (config.seed_path) {
    Result<store::SeedData> seed = admin::LoadSeedFile(*config.seed_path, random);
    if (!seed) {
      spdlog::error("--seed {}", seed.error().message);
      return 1;
    }
    Result<store::SeedReport> report = admin::ApplySeed(store, *seed, clock.NowUnixMillis());
    if (!report) {
      spdlog::error("--seed {}: not applied: {}", *config.seed_path, report.error().message);
      return 1;
    }
    spdlog::info("seed {} applied: {}", *config.seed_path, admin::DescribeSeedReport(*report));
  }
  // A large seed's parsed form is gone now; give its pages back to the system.
  if (config.seed_path) ReleaseFreeMemory();
  if (config.export_seed_path) return ExportSeed(store, *config.export_seed_path);
  Result<std::vector<std::string>> regions = store.Regions();
  if (!regions) {
    spdlog::error("{}", regions.error().message);
    return 1;
  }
  if (regions->empty()) *regions = admin::DefaultRegions();
  // The test clock as an operator last left it; without --test-clock the
  // business clock is the real one, whatever was stored.
  if (config.test_clock) {
    Result<std::optional<AdjustableClock::State>> stored = store.TestClock();
    if (!stored) {
      spdlog::error("{}", stored.error().message);
      return 1;
    }
    if (*stored) business_clock.Set(**stored);
  }

  api::Router router;
  mna::MnaDeps mna_deps{store, business_clock, random};
  mna::RegisterMnaActions(router, mna_deps);
  billing::RegisterBillingActions(router, store, business_clock);

  auth::CredentialCache credentials(
      &clock, config.credential_cache_ms,
      [&store](std::string_view secret_id) -> Result<std::optional<auth::Credential>> {
        Result<std::optional<store::CredentialRecord>> found = store.FindCredential(secret_id);
        if (!found) return tl::unexpected(found.error());
        if (!found->has_value()) return std::nullopt;
        return auth::Credential{std::move((*found)->secret_key), std::move((*found)->principal)};
      });
  auth::Authenticator authenticator(
      {.signature_clock_skew_seconds_max = config.signature_clock_skew_seconds_max}, &clock,
      [&credentials](std::string_view secret_id) { return credentials.Find(secret_id); });
  admin::Metrics metrics;
  // Request lines go through stdio's buffer and are flushed every second:
  // a write(2) per request costs more than the request's own work. Operator
  // (audit) lines are flushed one by one.
  auto request_log =
      std::make_shared<spdlog::logger>("requests", std::make_shared<BufferedStderrSink>());
  request_log->set_pattern("%v");
  spdlog::register_logger(request_log);
  spdlog::flush_every(std::chrono::seconds(1));
  auto audit_log = spdlog::stderr_logger_mt("admin");
  audit_log->set_pattern("%v");
  api::Gateway gateway({.rate_limit_per_second = config.rate_limit_per_second}, &router,
                       &authenticator, &random, &clock, *regions,
                       [&](const api::RequestRecord& record) {
                         metrics.Record(record);
                         if (config.log_requests)
                           request_log->info(admin::RequestLogLine(record, clock.NowUnixMillis()));
                       });

  // By default one I/O thread per core but one, which is left to the
  // store's writer (measured: on 2 cores, 1 I/O thread serves 20% more).
  int threads = config.io_threads > 0
                    ? config.io_threads
                    : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()) - 1);
  boost::asio::io_context io(threads);
  auto body_budget =
      std::make_shared<http::ByteBudget>(static_cast<uint64_t>(config.request_bytes_in_flight_max));
  size_t connections_max = DefaultConnectionsMax();
  if (config.connections_max > 0) connections_max = static_cast<size_t>(config.connections_max);
  http::ServerOptions server_options;
  SplitHostPort(config.listen, &server_options.host, &server_options.port);
  server_options.single_threaded = threads == 1;
  server_options.connections_max = connections_max;
  server_options.connections_per_peer_max = static_cast<size_t>(config.connections_per_peer_max);
  server_options.body_budget = body_budget;
  server_options.tls_cert_path = config.tls_cert_path.value_or("");
  server_options.tls_key_path = config.tls_key_path.value_or("");
  server_options.overload_content_type = "application/json";
  server_options.overload_body =
      api::ErrorBody({ErrorCode::kRequestLimitExceeded,
                      "The server has as many connections open as it allows; retry later."},
                     "");
  http::Server server(io, server_options,
                      [&gateway](http::HttpRequest request, http::Responder respond) {
                        gateway.Handle(std::move(request), std::move(respond));
                      });
  Result<uint16_t> port = server.Start();
  if (!port) {
    spdlog::error("{}", port.error().message);
    return 1;
  }

  // The operator API, on its own listener.
  std::unique_ptr<http::Server> admin_server;
  std::unique_ptr<admin::AdminApi> admin_api;
  std::string admin_address;
  if (config.admin_listen != "off") {
    std::string token_error;
    bool token_created = false;
    std::string token_path = (std::filesystem::path(data_dir) / "admin-token").string();
    std::string token;
    if (config.admin_token) {
      token = *config.admin_token;
    } else if (config.in_memory) {
      // Nothing is saved in memory mode: the token lives as long as the run.
      token = auth::HexLower(auth::SecureRandomBytes(32));
      std::cout << "mnad admin token (this run only): " << token << std::endl;
    } else {
      token = admin::LoadOrCreateAdminToken(token_path, &token_created, &token_error);
      if (token.empty()) {
        spdlog::error("admin token: {}", token_error);
        return 1;
      }
      if (token_created) {
        // Printed once, when it is made; afterwards it is read from the file.
        std::cout << "mnad admin token (saved to " << token_path << ", mode 0600): " << token
                  << std::endl;
      }
    }
    int64_t started_ms = clock.NowUnixMillis();
    admin_api = std::make_unique<admin::AdminApi>(admin::AdminApiOptions{
        .token = token,
        .info =
            [&, started_ms] {
              auto [commands, batches] = writer_counts();
              boost::json::object counts;
              (void)store.ReadSnapshot([&](store::Transaction& transaction) -> Result<void> {
                auto counted = transaction.CountEntities();
                if (!counted) return tl::unexpected(counted.error());
                for (const auto& [name, count] : *counted) counts[name] = count;
                return {};
              });
              boost::json::object store_info =
                  sqlite_store != nullptr
                      ? boost::json::object{{"backend", "sqlite"},
                                            {"path", db_path},
                                            {"in_memory", config.in_memory},
                                            {"durable_replies", true}}
                      : boost::json::object{{"backend", "postgresql"},
                                            {"url", store::postgres::RedactUrl(*config.store_url)},
                                            {"in_memory", false},
                                            {"durable_replies", true}};
              return boost::json::object{
                  {"version", MNAD_VERSION},
                  {"uptime_seconds", (clock.NowUnixMillis() - started_ms) / 1000},
                  {"store", std::move(store_info)},
                  {"counts", std::move(counts)},
                  {"test_clock", config.test_clock},
                  {"requests", metrics.requests_total()},
                  {"writes_committed", commands},
                  {"commits", batches}};
            },
        .metrics =
            [&] {
              std::vector<admin::ListenerGauges> listeners{{"api", &server.stats()}};
              if (admin_server) listeners.push_back({"admin", &admin_server->stats()});
              admin::Metrics::StoreHistograms histograms =
                  sqlite_store != nullptr
                      ? admin::Metrics::StoreHistograms{.batch_sizes = &sqlite_store->batch_sizes(),
                                                        .commit_seconds =
                                                            &sqlite_store->commit_seconds(),
                                                        .sync_seconds =
                                                            &sqlite_store->sync_seconds()}
                      : admin::Metrics::StoreHistograms{
                            .batch_sizes = &pg_store->batch_sizes(),
                            .commit_seconds = &pg_store->commit_seconds()};
              return metrics.Render(histograms) +
                     admin::RenderListenerMetrics(listeners, *body_budget,
                                                  gateway.rate_limiter().keys(),
                                                  gateway.rate_limiter().untracked());
            },
        // SQLite is in the process; PostgreSQL must answer a snapshot.
        .ready =
            [&] {
              return sqlite_store != nullptr ||
                     store.ReadSnapshot([](store::Transaction&) { return Result<void>(); })
                         .has_value();
            },
        .store = &store,
        .random = &random,
        .clock = &clock,
        .business_clock = &business_clock,
        .test_clock_enabled = config.test_clock,
        .keys_changed = [&credentials] { credentials.Clear(); },
        .regions_changed =
            [&gateway](const std::vector<std::string>& configured) {
              gateway.SetRegions(configured.empty() ? admin::DefaultRegions() : configured);
            },
        .audit = [audit_log](const std::string& line) { audit_log->info(line); }});
    http::ServerOptions admin_options;
    SplitHostPort(config.admin_listen, &admin_options.host, &admin_options.port);
    admin_options.single_threaded = threads == 1;
    admin_options.connections_max = kAdminConnectionsMax;
    admin_options.body_budget = body_budget;
    admin_options.tls_cert_path = server_options.tls_cert_path;
    admin_options.tls_key_path = server_options.tls_key_path;
    admin_options.overload_content_type = "application/json";
    admin_options.overload_body =
        R"({"error":{"code":"busy","message":"too many admin connections; retry later"}})";
    admin_server = std::make_unique<http::Server>(
        io, admin_options, [&admin_api](http::HttpRequest request, http::Responder respond) {
          admin_api->Handle(std::move(request), std::move(respond));
        });
    Result<uint16_t> admin_port = admin_server->Start();
    if (!admin_port) {
      spdlog::error("admin API: {}", admin_port.error().message);
      return 1;
    }
    admin_address = admin_options.host + ":" + std::to_string(*admin_port);
  }

  // Large bodies are freed after their reply, but the allocator keeps the
  // pages; after a period that held large bodies they go back to the system,
  // so that a burst does not leave the process large.
  boost::asio::steady_timer release_timer(io);
  std::function<void()> release_after_bursts = [&] {
    release_timer.expires_after(std::chrono::seconds(kReleaseIntervalSeconds));
    release_timer.async_wait([&](const boost::system::error_code& error) {
      if (error) return;
      if (body_budget->TakeHighWater() > 0 && body_budget->used() == 0) ReleaseFreeMemory();
      release_after_bursts();
    });
  };
  release_after_bursts();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&server, &admin_server, &release_timer](
                         const boost::system::error_code& error, int signal_number) {
    if (error) return;
    release_timer.cancel();
    spdlog::info("signal {}: finishing in-flight requests, then stopping", signal_number);
    server.Stop();
    if (admin_server) admin_server->Stop();
  });

  std::string host = server_options.host.find(':') != std::string::npos
                         ? "[" + server_options.host + "]"
                         : server_options.host;
  const char* scheme = server.tls() ? "https" : "http";
  std::cout << "mnad listening on " << scheme << "://" << host << ":" << *port << std::endl;
  if (!admin_address.empty())
    std::cout << "mnad admin API on " << scheme << "://" << admin_address << std::endl;
  spdlog::info("store: SQLite {} (WAL, synchronous=FULL{}); {} I/O threads; regions: {}", db_path,
               config.in_memory ? ", in RAM: removed at exit" : "", threads, regions->size());
  spdlog::info("limits: {} API connections{}, {} bytes of request bodies over 64 KiB in flight",
               connections_max,
               config.connections_per_peer_max > 0
                   ? fmt::format(" ({} per peer)", config.connections_per_peer_max)
                   : std::string(),
               config.request_bytes_in_flight_max);
  if (config.config_path) spdlog::info("config file: {}", *config.config_path);
  if (config.test_clock) spdlog::warn("--test-clock: the admin API may freeze and move time");
  spdlog::info(
      "call it like any Tencent Cloud endpoint, e.g. the Node SDK with profile.httpProfile = "
      "{{endpoint: \"{}:{}\", protocol: \"http://\"}} and a key from the seed",
      host, *port);

  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) {
    workers.emplace_back([&io] {
      pthread_setname_np(pthread_self(), "mnad-io");
      io.run();
    });
  }
  io.run();
  for (std::thread& worker : workers) worker.join();
  if (sqlite_store != nullptr) {
    store::sqlite::WriterStats stats = sqlite_store->stats();
    spdlog::info(
        "group commit: {} batches, {} commands, {:.1f} commands per batch on average, largest {}, "
        "{} failed commits, {} WAL fsyncs",
        stats.batches, stats.commands,
        stats.batches == 0
            ? 0.0
            : static_cast<double>(stats.commands) / static_cast<double>(stats.batches),
        stats.largest_batch, stats.failed_commits, stats.wal_syncs);
  } else {
    store::postgres::PgWriterStats stats = pg_store->stats();
    spdlog::info(
        "group commit: {} batches, {} commands, largest {}, {} conflicts retried, {} reconnects, "
        "{} COMMIT outcomes read back, {} failed batches",
        stats.batches, stats.commands, stats.largest_batch, stats.conflicts, stats.reconnects,
        stats.commits_unknown, stats.failed_batches);
  }
  spdlog::info("stopped");
  request_log->flush();
  return 0;
}

}  // namespace
}  // namespace mnad::app

int main(int argc, char** argv) {
  // stderr is unbuffered by default; the request log batches its lines in
  // this buffer (every other logger flushes each line itself).
  static char stderr_buffer[1 << 16];
  std::setvbuf(stderr, stderr_buffer, _IOFBF, sizeof(stderr_buffer));
  // SQLite's memory statistics take a global mutex on every allocation;
  // mnad does not read them.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  int exit_code = 0;
  std::optional<mnad::app::Config> config = mnad::app::ParseConfig(argc, argv, &exit_code);
  if (!config) return exit_code;
  // Logs go to stderr so that stdout carries only the listen line.
  spdlog::set_default_logger(spdlog::stderr_color_mt("mnad"));
  return mnad::app::Run(*config);
}
