// A small blocking HTTP client over libcurl (private to the framework).
//
// One Client owns one curl easy handle, so connections are kept alive between requests (and
// across warm invocations when the client lives that long). A Client is not thread-safe: give
// each thread or owner its own.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <aws_helper/error.hpp>
#include <aws_helper/headers.hpp>

namespace aws_helper::http {

using Headers = aws_helper::Headers;

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  // Whole-request limit; zero means none (the Runtime API's /next must wait indefinitely).
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    return headers.get(name);
  }
};

// The request never got an HTTP reply: connection refused, DNS failure, timeout.
class TransportError : public Error {
 public:
  TransportError(const std::string& message, bool timed_out)
      : Error("TransportError", message, 502), timed_out_(timed_out) {}
  [[nodiscard]] bool timed_out() const noexcept { return timed_out_; }

 private:
  bool timed_out_;
};

class Client {
 public:
  Client();
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends the request; any HTTP status is a Response. Throws TransportError when no reply came.
  Response send(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aws_helper::http
