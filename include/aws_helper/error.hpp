// The framework's error vocabulary.
//
// Every error the framework raises derives from aws_helper::Error, which carries a stable
// error-type name (what the Lambda envelope reports as `error_type` and the Runtime API as
// `errorType`) and, where one applies, an HTTP status. Names are fixed strings chosen to match the
// Python framework (`ValueError`, `InvalidStateError`, ...), never derived from typeid.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace aws_helper {

// `text` (a name or value taken from input, to be quoted in a message) cut to at most
// `max_bytes` bytes on a UTF-8 character boundary, with "..." appended when cut: a message names
// what it refuses without echoing a megabyte of someone's input back.
[[nodiscard]] std::string excerpt(std::string_view text, std::size_t max_bytes = 64);

class Error : public std::runtime_error {
 public:
  // A NUL byte in `message` (from input quoted in it, e.g. a path "/users/%00") is written as
  // \u0000: what() is a C string, and a NUL would silently cut the message there.
  Error(std::string error_type, const std::string& message, int http_status = 500)
      : std::runtime_error(without_nul(message)),
        error_type_(std::move(error_type)),
        http_status_(http_status) {}

  // Stable name of the error kind, e.g. "ValueError".
  [[nodiscard]] const std::string& error_type() const noexcept { return error_type_; }
  // HTTP status an API reply uses for this error (500 when none applies).
  [[nodiscard]] int http_status() const noexcept { return http_status_; }

 private:
  static std::string without_nul(const std::string& message);
  std::string error_type_;
  int http_status_;
};

// Bad input: a malformed event, a missing field, a value of the wrong type. HTTP 400.
// Named after Python's ValueError, which the seed framework maps to 400 and reports by that name.
class ValueError : public Error {
 public:
  explicit ValueError(const std::string& message) : Error("ValueError", message, 400) {}

 protected:
  ValueError(std::string error_type, const std::string& message, int http_status = 400)
      : Error(std::move(error_type), message, http_status) {}
};

// The service is set up wrongly (a missing environment variable, bad JSON in configuration).
// Always a 500: the caller did nothing wrong.
class ConfigurationError : public Error {
 public:
  explicit ConfigurationError(const std::string& message)
      : Error("ConfigurationError", message, 500) {}
};

class NotFoundError : public Error {
 public:
  explicit NotFoundError(const std::string& message) : Error("NotFoundError", message, 404) {}
};

// Authentication failed or is missing. HTTP 401.
class UnauthorizedError : public Error {
 public:
  explicit UnauthorizedError(const std::string& message)
      : Error("UnauthorizedError", message, 401) {}
};

// Authenticated but not allowed. HTTP 403.
class ForbiddenError : public Error {
 public:
  explicit ForbiddenError(const std::string& message) : Error("ForbiddenError", message, 403) {}
};

// A session state that is not a usable tenant: not active in core.states, or not a valid
// database name. HTTP 403, as in the seed.
class InvalidStateError : public Error {
 public:
  explicit InvalidStateError(const std::string& message)
      : Error("InvalidStateError", message, 403) {}
};

// A hook the framework calls was not overridden (an SQS consumer without process_record()).
// HTTP 500: the service is incomplete, the caller did nothing wrong.
class NotImplementedError : public Error {
 public:
  explicit NotImplementedError(const std::string& message)
      : Error("NotImplementedError", message, 500) {}
};

// Input over one of the limits of aws_helper/limits.hpp (a body, a count). HTTP 413.
class PayloadTooLargeError : public Error {
 public:
  explicit PayloadTooLargeError(const std::string& message)
      : Error("PayloadTooLargeError", message, 413) {}
};

// The stable error-type name of any exception: the framework name for aws_helper::Error, a
// fixed name for the standard exception families, "Exception" for any other std::exception.
[[nodiscard]] std::string error_type_of(const std::exception& error);

}  // namespace aws_helper
