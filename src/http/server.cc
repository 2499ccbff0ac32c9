#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
// GCC 12 with the sanitizers sees a boost::optional in Beast's
// content_length() as maybe uninitialized (a false positive). Clang (the
// fuzz build) has no such warning.
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/beast/http.hpp>
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <chrono>
#include <optional>

namespace mnad::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

constexpr int kAcceptBackoffFirstMs = 10;
constexpr int kAcceptBackoffMaxMs = 1000;
constexpr int64_t kAcceptLogIntervalSeconds = 10;
// Refused connections still being answered; past it they are closed at once.
constexpr size_t kRefusalsMax = 64;
std::atomic<size_t> refusals_in_progress{0};

int64_t SteadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// RFC 9112 §6.3: a request whose body length cannot be determined exactly is
// refused. The only transfer coding this server decodes is a lone
// "chunked", and a message may not carry both Transfer-Encoding and
// Content-Length.
bool FramingIsExact(const bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& header = parser.get();
  auto codings = header.equal_range(bhttp::field::transfer_encoding);
  size_t count = 0;
  for (auto it = codings.first; it != codings.second; ++it) {
    ++count;
    if (!EqualsIgnoreCase(Trim(it->value()), "chunked")) return false;
  }
  if (count > 1) return false;
  if (count == 1 && header.count(bhttp::field::content_length) > 0) return false;
  return true;
}

// Beast's parse errors, as opposed to a peer that went away or a timeout.
bool IsParseError(const beast::error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         error != bhttp::error::end_of_stream && error != bhttp::error::partial_message &&
         error != bhttp::error::need_more && error != bhttp::error::need_buffer;
}

}  // namespace

bool ByteBudget::TryReserve(uint64_t bytes) {
  uint64_t used = used_.load();
  do {
    if (bytes > limit_ || used > limit_ - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  uint64_t now = used + bytes;
  uint64_t high = high_water_.load();
  while (now > high && !high_water_.compare_exchange_weak(high, now)) {
  }
  return true;
}

void ByteBudget::Release(uint64_t bytes) { used_.fetch_sub(bytes); }

uint64_t ByteBudget::TakeHighWater() { return high_water_.exchange(used_.load()); }

// The text of a response: status line, headers, body, in one buffer for one
// write. Header values come from this program, never from a client, so they
// carry no line breaks. A reply to HEAD has the headers of the GET reply and
// no body.
std::string SerializeResponse(const HttpResponse& response, unsigned version, bool keep_alive,
                              bool head) {
  std::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
  std::string out;
  out.reserve(160 + response.body.size());
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ")
      .append(std::to_string(response.status))
      .append(1, ' ')
      .append(reason)
      .append("\r\nContent-Type: ")
      .append(response.content_type)
      .append("\r\n");
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
  // HTTP/1.1 keeps a connection unless told; HTTP/1.0 closes it unless told.
  if (version != 10 && !keep_alive) out.append("Connection: close\r\n");
  if (version == 10 && keep_alive) out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
  if (!head) out.append(response.body);
  return out;
}

// What Server::Stop() needs of a connection, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Stop() = 0;
};

// One connection. Every member is touched only from its executor: a strand
// when several threads run the io_context.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, Server* server, const ServerOptions& options, const HttpHandler& handler)
      : stream_(std::move(stream)), server_(server), options_(options), handler_(handler) {}

  ~Session() override {
    ReleaseBudget();
    server_->Unregister(this);
  }

  void Start() {
    net::dispatch(Socket().get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->Lowest().expires_after(std::chrono::seconds(self->options_.header_timeout_seconds));
        self->stream_.async_handshake(ssl::stream_base::server,
                                      [self](beast::error_code error) {
                                        if (error) {
                                          self->server_->mutable_stats().tls_handshake_failures++;
                                          return self->Close();
                                        }
                                        self->WaitForRequest();
                                      });
      } else {
        self->WaitForRequest();
      }
    });
  }

  // Called at shutdown: an idle connection closes now, a busy one after its
  // reply is written. An idle read is cancelled rather than the socket
  // closed, so that a request whose bytes have already arrived is still
  // served.
  void Stop() override {
    net::post(Socket().get_executor(), [self = this->shared_from_this()] {
      self->closing_ = true;
      if (self->state_ == State::kIdle) {
        beast::error_code ignored;
        self->Socket().cancel(ignored);
      }
    });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  enum class State { kIdle, kReading, kProcessing, kWriting };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  tcp::socket& Socket() { return Lowest().socket(); }

  void WaitForRequest() {
    // At shutdown, requests already buffered (pipelined) are still served.
    if (buffer_.size() > 0) return ReadHeader();
    if (closing_) return Close();
    state_ = State::kIdle;
    Lowest().expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](
                                                       beast::error_code error, size_t bytes) {
      self->buffer_.commit(bytes);
      if (bytes == 0 && error) return self->Close();
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(options_.header_bytes_max);
    parser_->body_limit(options_.body_bytes_max);
    Lowest().expires_after(std::chrono::seconds(options_.header_timeout_seconds));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code error, size_t) {
                               self->OnHeader(error);
                             });
  }

  void OnHeader(beast::error_code error) {
    // Beast reports a declared Content-Length above the body limit while
    // reading the header, as body_limit.
    if (error == bhttp::error::header_limit || error == bhttp::error::body_limit) {
      return Refuse(Refusal::kTooLarge);
    }
    if (error && IsParseError(error)) return Refuse(Refusal::kMalformed);
    if (error) return Close();
    if (!FramingIsExact(*parser_)) return Refuse(Refusal::kMalformed);
    head_ = parser_->get().method() == bhttp::verb::head;
    boost::optional<uint64_t> length = parser_->content_length();
    if (length && *length > options_.body_bytes_max) return Refuse(Refusal::kTooLarge);
    if (length && !Charge(*length)) return Refuse(Refusal::kBusy);
    if (parser_->chunked()) {
      // A chunked body is charged chunk by chunk as its sizes arrive.
      on_chunk_ = [this](uint64_t size, std::string_view, beast::error_code& chunk_error) {
        chunked_bytes_ += size;
        if (!Charge(chunked_bytes_)) {
          refused_busy_ = true;
          chunk_error = bhttp::error::body_limit;
        }
      };
      parser_->on_chunk_header(on_chunk_);
    }
    if (parser_->is_done()) return Dispatch();
    Lowest().expires_after(std::chrono::seconds(options_.body_timeout_seconds));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code read_error, size_t) {
                        if (self->refused_busy_) return self->Refuse(Refusal::kBusy);
                        if (read_error == bhttp::error::body_limit)
                          return self->Refuse(Refusal::kTooLarge);
                        if (read_error && IsParseError(read_error))
                          return self->Refuse(Refusal::kMalformed);
                        if (read_error) return self->Close();
                        self->Dispatch();
                      });
  }

  // Makes sure `body_bytes` (the body's whole size so far) are covered by the
  // budget; small bodies are exempt.
  bool Charge(uint64_t body_bytes) {
    if (!options_.body_budget || body_bytes <= options_.budget_exempt_bytes) return true;
    if (body_bytes <= reserved_) return true;
    if (!options_.body_budget->TryReserve(body_bytes - reserved_)) return false;
    reserved_ = body_bytes;
    return true;
  }

  void ReleaseBudget() {
    if (reserved_ == 0) return;
    options_.body_budget->Release(reserved_);
    reserved_ = 0;
  }

  // The unread rest of the request makes the connection unusable, so the
  // reply is followed by a close.
  void Refuse(Refusal refusal) {
    ReleaseBudget();
    HttpRequest request;
    request.refusal = refusal;
    if (parser_ && parser_->is_header_done()) FillHeaders(parser_->get(), &request);
    if (refusal == Refusal::kMalformed) server_->mutable_stats().requests_malformed++;
    if (refusal == Refusal::kBusy) server_->mutable_stats().requests_refused_busy++;
    refusal_ = refusal;
    closing_ = true;
    keep_alive_ = false;
    linger_ = true;
    Process(std::move(request));
  }

  static void FillHeaders(const bhttp::request<bhttp::string_body>& message, HttpRequest* request) {
    request->method = std::string(message.method_string());
    request->target = std::string(message.target());
    request->headers.reserve(8);
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      request->headers.emplace_back(std::move(name), std::string(field.value()));
    }
  }

  void Dispatch() {
    bhttp::request<bhttp::string_body> message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    HttpRequest request;
    FillHeaders(message, &request);
    request.body = std::move(message.body());
    Process(std::move(request));
  }

  void Process(HttpRequest request) {
    state_ = State::kProcessing;
    Lowest().expires_never();
    // The handler may answer from another thread (the store's writer); the
    // guard keeps the io_context running until the reply is posted back.
    auto guard = net::make_work_guard(server_->io());
    handler_(std::move(request), [self = this->shared_from_this(),
                                  guard = std::move(guard)](HttpResponse response) mutable {
      net::post(self->Socket().get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
      guard.reset();
    });
  }

  void Write(HttpResponse response) {
    state_ = State::kWriting;
    ReleaseBudget();
    chunked_bytes_ = 0;
    if (refusal_ == Refusal::kMalformed) response.status = 400;
    bool keep_alive = keep_alive_ && !closing_ && !server_->stopping();
    auto out = std::make_shared<std::string>(
        SerializeResponse(response, version_ == 0 ? 11 : version_, keep_alive, head_));
    Lowest().expires_after(std::chrono::seconds(options_.body_timeout_seconds));
    net::async_write(stream_, net::buffer(*out),
                     [self = this->shared_from_this(), out, keep_alive](beast::error_code error,
                                                                        size_t) {
                       if (!error && self->linger_) return self->Linger();
                       if (error || !keep_alive) return self->Close();
                       if (self->options_.after_reply_written_for_test) {
                         self->options_.after_reply_written_for_test();
                       }
                       self->WaitForRequest();
                     });
  }

  // After refusing a request the client may still be sending its body;
  // closing now would reset the connection and lose the reply. Stop sending,
  // then read and discard for a bounded time and amount.
  void Linger() {
    if constexpr (!kTls) {
      beast::error_code ignored;
      Socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    Lowest().expires_after(std::chrono::seconds(kLingerSeconds));
    DiscardInput();
  }

  void DiscardInput() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024), [self = this->shared_from_this()](
                                                            beast::error_code error, size_t bytes) {
      self->lingered_bytes_ += bytes;
      if (error || self->lingered_bytes_ > kLingerBytesMax) return self->Close();
      self->DiscardInput();
    });
  }

  void Close() {
    beast::error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_send, ignored);
    Socket().close(ignored);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::function<void(uint64_t, std::string_view, beast::error_code&)> on_chunk_;
  Server* server_;
  const ServerOptions& options_;
  const HttpHandler& handler_;
  State state_ = State::kIdle;
  Refusal refusal_ = Refusal::kNone;
  bool keep_alive_ = true;
  bool closing_ = false;
  bool linger_ = false;
  bool head_ = false;
  bool refused_busy_ = false;
  uint64_t reserved_ = 0;
  uint64_t chunked_bytes_ = 0;
  uint64_t lingered_bytes_ = 0;
  unsigned version_ = 11;
  static constexpr int kLingerSeconds = 5;
  static constexpr uint64_t kLingerBytesMax = 64ull * 1024 * 1024;
};

using PlainSession = Session<beast::tcp_stream>;
using TlsSession = Session<beast::ssl_stream<beast::tcp_stream>>;

Server::Server(net::io_context& io, ServerOptions options, HttpHandler handler)
    : io_(io),
      options_(std::move(options)),
      handler_(std::move(handler)),
      acceptor_(io),
      accept_retry_(io) {}

Server::~Server() = default;

Result<uint16_t> Server::Start() {
  if (options_.tls_cert_path.empty() != options_.tls_key_path.empty()) {
    return Fail(ErrorCode::kInternalError, "TLS needs both a certificate and a key");
  }
  if (!options_.tls_cert_path.empty()) {
    ssl_context_ = std::make_unique<ssl::context>(ssl::context::tls_server);
    boost::system::error_code error;
    ssl_context_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                  ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                              error);
    if (!error) ssl_context_->use_certificate_chain_file(options_.tls_cert_path, error);
    if (error) {
      return Fail(ErrorCode::kInternalError,
                  "cannot load the TLS certificate " + options_.tls_cert_path + ": " +
                      error.message());
    }
    ssl_context_->use_private_key_file(options_.tls_key_path, ssl::context::pem, error);
    if (error) {
      return Fail(ErrorCode::kInternalError, "cannot load the TLS key " + options_.tls_key_path +
                                                 ": " + error.message());
    }
  }
  beast::error_code error;
  tcp::endpoint endpoint(net::ip::make_address(options_.host, error), options_.port);
  if (error) return Fail(ErrorCode::kInternalError, "invalid listen address " + options_.host);
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(net::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(net::socket_base::max_listen_connections, error);
  if (error) {
    return Fail(ErrorCode::kInternalError, "cannot listen on " + options_.host + ":" +
                                               std::to_string(options_.port) + ": " +
                                               error.message());
  }
  Accept();
  return acceptor_.local_endpoint().port();
}

void Server::Accept() {
  net::any_io_executor executor = options_.single_threaded
                                      ? net::any_io_executor(io_.get_executor())
                                      : net::any_io_executor(net::make_strand(io_));
  acceptor_.async_accept(executor, [this](beast::error_code error, tcp::socket socket) {
    if (error) {
      if (error == net::error::operation_aborted || stopping_) return;
      stats_.accept_errors++;
      accept_errors_unlogged_++;
      int64_t now = SteadySeconds();
      if (accept_log_last_ == 0 || now - accept_log_last_ >= kAcceptLogIntervalSeconds) {
        spdlog::warn("accept failed: {} ({} times since the last report); retrying after a pause",
                     error.message(), accept_errors_unlogged_);
        accept_log_last_ = now;
        accept_errors_unlogged_ = 0;
      }
      return AcceptLater();
    }
    accept_backoff_ms_ = 0;
    socket.set_option(tcp::no_delay(true), error);
    std::string peer;
    tcp::endpoint remote = socket.remote_endpoint(error);
    if (!error) peer = remote.address().to_string();
    std::shared_ptr<SessionBase> session;
    bool admitted = false;
    {
      std::lock_guard lock(sessions_mutex_);
      auto from_peer = peers_.find(peer);
      admitted = sessions_.size() < options_.connections_max &&
                 (options_.connections_per_peer_max == 0 || from_peer == peers_.end() ||
                  from_peer->second < options_.connections_per_peer_max);
    }
    if (!admitted) {
      stats_.connections_refused++;
      Refuse(std::move(socket));
    } else if (ssl_context_) {
      auto tls = std::make_shared<TlsSession>(
          beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *ssl_context_),
          this, options_, handler_);
      Register(tls, peer);
      tls->Start();
    } else {
      auto plain = std::make_shared<PlainSession>(beast::tcp_stream(std::move(socket)), this,
                                                  options_, handler_);
      Register(plain, peer);
      plain->Start();
    }
    if (!stopping_) Accept();
  });
}

void Server::AcceptLater() {
  accept_backoff_ms_ = accept_backoff_ms_ == 0
                           ? kAcceptBackoffFirstMs
                           : std::min(accept_backoff_ms_ * 2, kAcceptBackoffMaxMs);
  accept_retry_.expires_after(std::chrono::milliseconds(accept_backoff_ms_));
  accept_retry_.async_wait([this](beast::error_code error) {
    if (!error && !stopping_) Accept();
  });
}

// A plain-HTTP 503 (a TLS listener just closes); the client's request, if
// already sent, is read and discarded for up to a second so that closing
// does not reset the connection before the reply arrives.
void Server::Refuse(tcp::socket socket) {
  if (ssl_context_ || refusals_in_progress.load() >= kRefusalsMax) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  refusals_in_progress++;
  struct Refusing {
    explicit Refusing(tcp::socket socket) : stream(std::move(socket)) {}
    ~Refusing() { refusals_in_progress--; }
    beast::tcp_stream stream;
    std::string reply;
    char discard[4096];
  };
  auto refusing = std::make_shared<Refusing>(std::move(socket));
  HttpResponse response{.status = 503,
                        .content_type = options_.overload_content_type,
                        .headers = {{"Retry-After", "1"}},
                        .body = options_.overload_body};
  refusing->reply = SerializeResponse(response, 11, false, false);
  refusing->stream.expires_after(std::chrono::seconds(1));
  net::async_write(refusing->stream, net::buffer(refusing->reply),
                   [refusing](beast::error_code error, size_t) {
                     beast::error_code ignored;
                     refusing->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                     if (error) return;
                     refusing->stream.async_read_some(
                         net::buffer(refusing->discard),
                         [refusing](beast::error_code, size_t) {
                           beast::error_code closed;
                           refusing->stream.socket().close(closed);
                         });
                   });
}

void Server::Register(const std::shared_ptr<SessionBase>& session, const std::string& peer) {
  std::lock_guard lock(sessions_mutex_);
  sessions_[session.get()] = {session, peer};
  peers_[peer]++;
  stats_.connections_open = sessions_.size();
}

void Server::Unregister(SessionBase* session) {
  std::lock_guard lock(sessions_mutex_);
  auto found = sessions_.find(session);
  if (found == sessions_.end()) return;
  auto peer = peers_.find(found->second.second);
  if (peer != peers_.end() && --peer->second == 0) peers_.erase(peer);
  sessions_.erase(found);
  stats_.connections_open = sessions_.size();
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  net::post(io_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [raw, entry] : sessions_) {
      if (auto session = entry.first.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->Stop();
}

}  // namespace mnad::http
