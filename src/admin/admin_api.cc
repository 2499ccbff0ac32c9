#include "admin/admin_api.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>

#include "auth/crypto.h"

namespace mnad::admin {
namespace {

http::HttpResponse Json(int status, const boost::json::object& body) {
  http::HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(body);
  return response;
}

http::HttpResponse ErrorReply(int status, std::string_view code, std::string_view message) {
  return Json(status, {{"error", {{"code", code}, {"message", message}}}});
}

std::optional<std::string_view> Header(const http::HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace

void AdminApi::Handle(http::HttpRequest request, http::Responder respond) const {
  std::string path = request.target.substr(0, request.target.find('?'));
  if (request.too_large) return respond(ErrorReply(413, "too_large", "The request is too large."));
  if (path == "/healthz") {
    if (request.method != "GET") return respond(ErrorReply(405, "method_not_allowed", "Use GET."));
    bool ready = options_.ready && options_.ready();
    return respond(Json(ready ? 200 : 503, {{"status", ready ? "ready" : "starting"}}));
  }
  std::string_view authorization = Header(request, "authorization").value_or("");
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer) ||
      !auth::ConstantTimeEquals(authorization.substr(kBearer.size()), options_.token)) {
    return respond(ErrorReply(401, "unauthorized",
                              "Send the admin token as `Authorization: Bearer <token>`."));
  }
  if (request.method != "GET") return respond(ErrorReply(405, "method_not_allowed", "Use GET."));
  if (path == "/info") return respond(Json(200, options_.info()));
  if (path == "/metrics") {
    http::HttpResponse response;
    response.content_type = "text/plain; version=0.0.4";
    response.body = options_.metrics();
    return respond(std::move(response));
  }
  respond(ErrorReply(404, "not_found", "No admin endpoint " + path + "."));
}

std::string LoadOrCreateAdminToken(const std::string& path, bool* created, std::string* error) {
  *created = false;
  std::ifstream existing(path);
  if (existing) {
    std::string token;
    std::getline(existing, token);
    if (token.size() >= 32) return token;
    *error = path + " does not hold a token of at least 32 characters";
    return "";
  }
  std::string token = auth::HexLower(auth::SecureRandomBytes(32));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || ::write(fd, token.data(), token.size()) != static_cast<ssize_t>(token.size()) ||
      ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    *error = "cannot write " + path;
    return "";
  }
  ::close(fd);
  *created = true;
  return token;
}

}  // namespace mnad::admin
