// Structured logging: one JSON object per line on stdout.
//
// Each line carries timestamp, level, logger, message and, when known, the invocation's
// requestId, the session's state and the X-Ray traceId, so CloudWatch Logs Insights can
// filter by any of them. AWS_LAMBDA_LOG_LEVEL (TRACE, DEBUG, INFO, WARN, ERROR, FATAL; default
// INFO) sets the threshold and AWS_LAMBDA_LOG_FORMAT (JSON, the default, or Text) the format,
// as for Lambda's own runtimes. Credentials in URIs (`scheme://user:secret@`) and Bearer tokens
// are masked in every line.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include <aws_helper/json.hpp>

namespace aws_helper {

enum class LogLevel { trace = 0, debug, info, warn, error, fatal };

[[nodiscard]] std::string_view to_string(LogLevel level) noexcept;

namespace log {

// Re-reads AWS_LAMBDA_LOG_LEVEL and AWS_LAMBDA_LOG_FORMAT (they are read once, on first use).
void reload_config();
[[nodiscard]] bool enabled(LogLevel level) noexcept;

// Writes one line. `fields` (an object, may be null) adds keys to the JSON line.
void write(LogLevel level, std::string_view logger, std::string_view message,
           const Json* fields = nullptr);

// Replaces the secret part of `scheme://user:secret@host` and `Bearer <token>` with `****`.
[[nodiscard]] std::string redact(std::string_view text);

// Writes `line` as it is, through the sink, never inside another line: the metrics layer's
// EMF documents, which CloudWatch reads only when the JSON is the whole line.
void write_raw(std::string_view line);

// Where lines go; stdout by default. Tests capture lines through this.
using Sink = void (*)(std::string_view line, void* user);
void set_sink(Sink sink, void* user);

// Per-thread request context shown on every line; set by the runtime for each invocation.
void set_request_context(std::string request_id, std::string trace_id);
void clear_request_context();

}  // namespace log

// A named logger, e.g. Logger{"GenerateRouteLambda"}; format strings are fmt's.
class Logger {
 public:
  explicit Logger(std::string name) : name_(std::move(name)) {}
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  template <class... Args>
  void trace(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::trace, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::debug, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::info, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::warn, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::error, f, std::forward<Args>(args)...);
  }

  // A line with extra structured fields: logger.with(LogLevel::info, "saved", {{"id", id}}).
  void with(LogLevel level, std::string_view message, const Json& fields) const {
    if (log::enabled(level)) log::write(level, name_, message, &fields);
  }

 private:
  template <class... Args>
  void emit(LogLevel level, fmt::format_string<Args...> f, Args&&... args) const {
    if (!log::enabled(level)) return;
    log::write(level, name_, fmt::format(f, std::forward<Args>(args)...));
  }

  std::string name_;
};

}  // namespace aws_helper
