// The HTTP/1.1 listener: accepts connections (plain or TLS), reads requests
// with limits and timeouts, hands each to an HttpHandler and writes the
// reply; keep-alive. Everything a client can make it hold is bounded:
// connections (in all and per peer), header bytes, body bytes per request
// and, through a shared ByteBudget, body bytes in flight over all requests.
// Thread-safe: Run() may be called from several threads (one io_context);
// Stop() from any thread, e.g. a signal handler's completion.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "http/types.h"

namespace boost::asio::ssl {
class context;
}

namespace mnad::http {

// Bytes of request bodies held at once, over every connection of the
// servers that share it. Thread-safe.
class ByteBudget {
 public:
  explicit ByteBudget(uint64_t limit) : limit_(limit) {}
  // Takes `bytes` from the budget, or nothing and false when they do not fit.
  bool TryReserve(uint64_t bytes);
  void Release(uint64_t bytes);
  uint64_t used() const { return used_.load(); }
  uint64_t limit() const { return limit_; }
  // The most held at once since the last call, which starts a new period.
  uint64_t TakeHighWater();

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
  std::atomic<uint64_t> high_water_{0};
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port
  // Request line plus headers. Above it the request is refused as too large.
  uint32_t header_bytes_max = 64 * 1024;
  // The largest body read (TC3 POST allows 10 MB); the API layer applies the
  // stricter per-kind limits.
  uint64_t body_bytes_max = 10 * 1024 * 1024;
  // Waiting for the first byte of a request on a kept-alive connection.
  int idle_timeout_seconds = 60;
  // From the first byte to the end of the headers (and the TLS handshake).
  int header_timeout_seconds = 10;
  // Reading the body, and writing the response.
  int body_timeout_seconds = 30;
  // Open connections at once; one more is answered 503 and closed.
  size_t connections_max = 1024;
  // Open connections from one peer address at once; 0: no per-peer cap.
  size_t connections_per_peer_max = 0;
  // Shared budget of body bytes in flight; bodies above `budget_exempt_bytes`
  // are charged to it, and refused (Refusal::kBusy) when it is spent.
  std::shared_ptr<ByteBudget> body_budget;
  uint64_t budget_exempt_bytes = 64 * 1024;
  // TLS: both paths (PEM), or neither for plain HTTP.
  std::string tls_cert_path;
  std::string tls_key_path;
  // The body of the 503 sent to a connection over the cap.
  std::string overload_body = "connection limit reached";
  std::string overload_content_type = "text/plain";
  // The io_context is run by one thread: connections then need no strand.
  bool single_threaded = false;
  // Tests only: called on the connection's executor after a reply has been
  // written on a kept-alive connection, before the next read begins. A test
  // stops the server here to reach the moment the next read is in flight.
  std::function<void()> after_reply_written_for_test;
};

// Counters an operator reads in /metrics. Thread-safe.
struct ServerStats {
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> connections_refused{0};  // over a cap: 503
  std::atomic<uint64_t> accept_errors{0};        // e.g. out of file descriptors
  std::atomic<uint64_t> requests_malformed{0};   // answered 400
  std::atomic<uint64_t> requests_refused_busy{0};
  std::atomic<uint64_t> tls_handshake_failures{0};
};

class SessionBase;

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, HttpHandler handler);
  ~Server();

  // Binds and starts accepting (loads the TLS certificate first). Returns the
  // bound port.
  Result<uint16_t> Start();
  // Stops accepting, closes idle connections and lets every request already
  // read finish and its reply be written; the io_context then runs out of work.
  void Stop();

  // Sessions register themselves so that Stop() can reach them.
  void Register(const std::shared_ptr<SessionBase>& session, const std::string& peer);
  void Unregister(SessionBase* session);
  bool stopping() const { return stopping_.load(); }
  bool tls() const { return ssl_context_ != nullptr; }
  boost::asio::io_context& io() { return io_; }
  const ServerStats& stats() const { return stats_; }
  ServerStats& mutable_stats() { return stats_; }

 private:
  void Accept();
  // Out of descriptors or another accept error: wait, then accept again;
  // logged at most once per kAcceptLogIntervalSeconds.
  void AcceptLater();
  // Answers a connection over a cap with a 503 and closes it.
  void Refuse(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  ServerOptions options_;
  HttpHandler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  std::unique_ptr<boost::asio::ssl::context> ssl_context_;
  int accept_backoff_ms_ = 0;
  int64_t accept_log_last_ = 0;
  uint64_t accept_errors_unlogged_ = 0;
  std::atomic<bool> stopping_{false};
  ServerStats stats_;
  std::mutex sessions_mutex_;
  std::unordered_map<SessionBase*, std::pair<std::weak_ptr<SessionBase>, std::string>> sessions_;
  std::map<std::string, size_t> peers_;
};

}  // namespace mnad::http
