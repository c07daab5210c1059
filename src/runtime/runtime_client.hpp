// The Lambda Runtime API, version 2018-06-01 (private to the framework).
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
#pragma once

#include <string>
#include <string_view>

#include <aws_helper/runtime.hpp>

#include "http/http_client.hpp"

namespace aws_helper::runtime {

// The Runtime API answered with an unexpected status.
class RuntimeApiError : public Error {
 public:
  RuntimeApiError(const std::string& message, int status)
      : Error("RuntimeApiError", message, 502), status_(status) {}
  [[nodiscard]] int status() const noexcept { return status_; }

 private:
  int status_;
};

// The Runtime API's largest accepted reply (6 MiB + 100 bytes, LAMBDA_EVENT_BODY_SIZE).
inline constexpr std::size_t kMaxResponseBytes = 6 * 1024 * 1024 + 100;

class RuntimeClient {
 public:
  explicit RuntimeClient(std::string endpoint);  // "host:port"

  // Waits, without a timeout, for the next invocation: Lambda freezes the process between
  // invocations, so any client-side limit would fire spuriously after a thaw.
  // Throws TransportError or RuntimeApiError.
  InvocationRequest next();

  // Post the reply or the error of an invocation; return the HTTP status (202 when accepted,
  // 413 when the reply is too large). Throw TransportError when no reply came.
  int post_response(std::string_view request_id, const std::string& payload);
  int post_error(std::string_view request_id, std::string_view error_type,
                 std::string_view message);
  int post_init_error(std::string_view error_type, std::string_view message);

 private:
  // POSTs `body` to base + path, with the error-type header when `error_type` is not empty.
  int post(const std::string& path, std::string body, std::string_view error_type);

  std::string base_;
  http::Client http_;
};

// Reads the Lambda-Runtime-* headers of a /next reply into a context.
[[nodiscard]] InvocationContext context_from_headers(const http::Headers& headers);

}  // namespace aws_helper::runtime
