#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
// GCC 12 with the sanitizers sees a boost::optional in Beast's
// content_length() as maybe uninitialized (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <chrono>
#include <optional>

namespace mnad::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The text of a response: status line, headers, body, in one buffer for one
// write. Header values come from this program, never from a client, so they
// carry no line breaks.
std::string SerializeResponse(const HttpResponse& response, unsigned version, bool keep_alive) {
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
  out.append("\r\n").append(response.body);
  return out;
}

// One connection. Every member is touched only from its executor: a strand
// when several threads run the io_context.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server* server, const ServerOptions& options,
          const HttpHandler& handler)
      : stream_(std::move(socket)), server_(server), options_(options), handler_(handler) {}

  ~Session() { server_->Unregister(this); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // Called at shutdown: an idle connection closes now, a busy one after its
  // reply is written.
  void Stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (self->state_ == State::kIdle) self->stream_.socket().close();
    });
  }

 private:
  enum class State { kIdle, kReading, kProcessing, kWriting };

  void WaitForRequest() {
    if (closing_) return Close();
    if (buffer_.size() > 0) return ReadHeader();
    state_ = State::kIdle;
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code error, size_t bytes) {
                              if (error) return self->Close();
                              self->buffer_.commit(bytes);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(options_.header_bytes_max);
    parser_->body_limit(options_.body_bytes_max);
    stream_.expires_after(std::chrono::seconds(options_.header_timeout_seconds));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code error, size_t) { self->OnHeader(error); });
  }

  void OnHeader(beast::error_code error) {
    // Beast reports a declared Content-Length above the body limit while
    // reading the header, as body_limit.
    if (error == bhttp::error::header_limit || error == bhttp::error::body_limit) {
      return RefuseTooLarge();
    }
    if (error) return Close();
    boost::optional<uint64_t> length = parser_->content_length();
    if (length && *length > options_.body_bytes_max) return RefuseTooLarge();
    if (parser_->is_done()) return Dispatch();
    stream_.expires_after(std::chrono::seconds(options_.body_timeout_seconds));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code read_error, size_t) {
                        if (read_error == bhttp::error::body_limit) return self->RefuseTooLarge();
                        if (read_error) return self->Close();
                        self->Dispatch();
                      });
  }

  // The unread rest of the request makes the connection unusable, so the
  // reply is followed by a close.
  void RefuseTooLarge() {
    HttpRequest request;
    request.too_large = true;
    if (parser_ && parser_->is_header_done()) FillHeaders(parser_->get(), &request);
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
    stream_.expires_never();
    // The handler may answer from another thread (the store's writer); the
    // guard keeps the io_context running until the reply is posted back.
    auto guard = net::make_work_guard(server_->io());
    handler_(std::move(request), [self = shared_from_this(),
                                  guard = std::move(guard)](HttpResponse response) mutable {
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
      guard.reset();
    });
  }

  void Write(HttpResponse response) {
    state_ = State::kWriting;
    bool keep_alive = keep_alive_ && !closing_ && !server_->stopping();
    auto out = std::make_shared<std::string>(
        SerializeResponse(response, version_ == 0 ? 11 : version_, keep_alive));
    stream_.expires_after(std::chrono::seconds(options_.body_timeout_seconds));
    net::async_write(stream_, net::buffer(*out),
                     [self = shared_from_this(), out, keep_alive](beast::error_code error, size_t) {
                       if (!error && self->linger_) return self->Linger();
                       if (error || !keep_alive) return self->Close();
                       self->WaitForRequest();
                     });
  }

  // After refusing an oversized request the client may still be sending its
  // body; closing now would reset the connection and lose the reply. Stop
  // sending, then read and discard for a bounded time and amount.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(kLingerSeconds));
    DiscardInput();
  }

  void DiscardInput() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](beast::error_code error, size_t bytes) {
                              self->lingered_bytes_ += bytes;
                              if (error || self->lingered_bytes_ > kLingerBytesMax)
                                return self->Close();
                              self->DiscardInput();
                            });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server* server_;
  const ServerOptions& options_;
  const HttpHandler& handler_;
  State state_ = State::kIdle;
  bool keep_alive_ = true;
  bool closing_ = false;
  bool linger_ = false;
  uint64_t lingered_bytes_ = 0;
  unsigned version_ = 11;
  static constexpr int kLingerSeconds = 5;
  static constexpr uint64_t kLingerBytesMax = 64ull * 1024 * 1024;
};

Server::Server(net::io_context& io, ServerOptions options, HttpHandler handler)
    : io_(io), options_(std::move(options)), handler_(std::move(handler)), acceptor_(io) {}

Server::~Server() = default;

Result<uint16_t> Server::Start() {
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
      spdlog::warn("accept failed: {}", error.message());
    } else {
      socket.set_option(tcp::no_delay(true), error);
      auto session = std::make_shared<Session>(std::move(socket), this, options_, handler_);
      Register(session);
      session->Start();
    }
    if (!stopping_) Accept();
  });
}

void Server::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mutex_);
  sessions_[session.get()] = session;
}

void Server::Unregister(Session* session) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(session);
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  net::post(io_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& [raw, weak] : sessions_) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->Stop();
}

}  // namespace mnad::http
