#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mnad::http {
namespace {

// A blocking loopback client that reads with a timeout, so a lost reply
// fails the test instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{.tv_sec = 5, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }

  bool Send(const std::string& bytes) {
    return write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  }
  // Everything until the server closes (or the timeout).
  std::string ReadToEnd() {
    std::string received;
    char chunk[4096];
    for (;;) {
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) return received;
      received.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Issue #17, case 10: a request whose bytes the server had already read when
// a stop reached its idle connection was still processed (a purchase
// committed), but its reply was lost: the stop closed the socket under the
// completed read. The hook stops the server right after reply 1 is written,
// while request 2 waits in the socket, so the read that takes it completes
// with the stop already queued ahead of its handler.
TEST(ServerTest, ARequestReadWhenTheStopArrivesIsAnsweredBeforeTheConnectionCloses) {
  boost::asio::io_context io(1);
  std::unique_ptr<Server> server;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> handled;
  Responder first_reply;
  ServerOptions options;
  options.port = 0;
  options.single_threaded = true;
  bool stopped = false;
  options.after_reply_written_for_test = [&] {
    if (std::exchange(stopped, true)) return;
    server->Stop();
  };
  server = std::make_unique<Server>(io, options, [&](HttpRequest request, Responder respond) {
    std::lock_guard lock(mutex);
    handled.push_back(request.target);
    if (handled.size() == 1) {
      first_reply = std::move(respond);  // answered later, by the test
      changed.notify_all();
      return;
    }
    respond(HttpResponse{.status = 200, .content_type = "text/plain", .body = "reply-2"});
  });
  Result<uint16_t> port = server->Start();
  ASSERT_TRUE(port.has_value());
  std::thread runner([&] { io.run(); });

  Client client(*port);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"));
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(5), [&] { return !handled.empty(); }));
  }
  // Request 2 is in the server's socket before reply 1 is written.
  ASSERT_TRUE(client.Send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Responder reply;
  {
    std::lock_guard lock(mutex);
    reply = std::move(first_reply);
  }
  reply(HttpResponse{.status = 200, .content_type = "text/plain", .body = "reply-1"});

  std::string received = client.ReadToEnd();
  runner.join();  // the stopped server leaves the io_context without work

  std::lock_guard lock(mutex);
  ASSERT_EQ(handled, (std::vector<std::string>{"/one", "/two"}));
  EXPECT_EQ(Count(received, "HTTP/1.1 200 OK"), 2u) << received;
  EXPECT_NE(received.find("reply-1"), std::string::npos) << received;
  EXPECT_NE(received.find("reply-2"), std::string::npos) << received;
  EXPECT_NE(received.find("Connection: close"), std::string::npos) << received;
}

}  // namespace
}  // namespace mnad::http
