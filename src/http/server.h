// The HTTP/1.1 listener: accepts connections, reads requests with limits and
// timeouts, hands each to an HttpHandler and writes the reply; keep-alive.
// Thread-safe: Run() may be called from several threads (one io_context);
// Stop() from any thread, e.g. a signal handler's completion.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "http/types.h"

namespace mnad::http {

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
  // From the first byte to the end of the headers.
  int header_timeout_seconds = 10;
  // Reading the body, and writing the response.
  int body_timeout_seconds = 30;
  // The io_context is run by one thread: connections then need no strand.
  bool single_threaded = false;
};

class Session;

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, HttpHandler handler);
  ~Server();

  // Binds and starts accepting. Returns the bound port.
  Result<uint16_t> Start();
  // Stops accepting, closes idle connections and lets in-flight requests
  // finish; the io_context then runs out of work.
  void Stop();

  // Sessions register themselves so that Stop() can reach them.
  void Register(const std::shared_ptr<Session>& session);
  void Unregister(Session* session);
  bool stopping() const { return stopping_.load(); }
  boost::asio::io_context& io() { return io_; }

 private:
  void Accept();

  boost::asio::io_context& io_;
  ServerOptions options_;
  HttpHandler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex sessions_mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace mnad::http
