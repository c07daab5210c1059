#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <aws_helper/env.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"

namespace aws_helper {

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace:
      return "TRACE";
    case LogLevel::debug:
      return "DEBUG";
    case LogLevel::info:
      return "INFO";
    case LogLevel::warn:
      return "WARN";
    case LogLevel::error:
      return "ERROR";
    case LogLevel::fatal:
      return "FATAL";
  }
  return "INFO";
}

namespace log {
namespace {

struct Config {
  std::atomic<int> threshold{static_cast<int>(LogLevel::info)};
  std::atomic<bool> json{true};
};

Config& raw_config() {
  static Config instance;
  return instance;
}

void load_config(Config& cfg);

Config& config() {
  static std::once_flag loaded;
  std::call_once(loaded, [] { load_config(raw_config()); });
  return raw_config();
}

struct SinkState {
  std::mutex mutex;
  Sink sink = nullptr;
  void* user = nullptr;
};

SinkState& sink_state() {
  static SinkState state;
  return state;
}

using detail::upper;

std::string timestamp() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t seconds = system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     static_cast<int>(ms));
}

void emit_line(std::string_view line) {
  auto& state = sink_state();
  std::lock_guard lock(state.mutex);
  if (state.sink != nullptr) {
    state.sink(line, state.user);
    return;
  }
  // One write per line, flushed: Lambda may freeze the process right after the reply.
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void load_config(Config& cfg) {
  std::string level = upper(get_env_or("AWS_LAMBDA_LOG_LEVEL", "INFO"));
  LogLevel parsed = LogLevel::info;
  for (auto candidate : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                         LogLevel::error, LogLevel::fatal}) {
    if (level == to_string(candidate)) parsed = candidate;
  }
  if (level == "WARNING") parsed = LogLevel::warn;
  cfg.threshold = static_cast<int>(parsed);
  cfg.json = upper(get_env_or("AWS_LAMBDA_LOG_FORMAT", "JSON")) != "TEXT";
}

}  // namespace

void reload_config() {
  load_config(config());
}

bool enabled(LogLevel level) noexcept {
  return static_cast<int>(level) >= config().threshold.load(std::memory_order_relaxed);
}

std::string redact(std::string_view text) {
  std::string out(text);
  // scheme://user:secret@host -> scheme://user:****@host
  for (std::size_t pos = out.find("://"); pos != std::string::npos; pos = out.find("://", pos)) {
    std::size_t start = pos + 3;
    std::size_t end = start;
    while (end < out.size() && out[end] != '/' && out[end] != '@' && out[end] != ' ' &&
           out[end] != '"' && out[end] != '\n') {
      ++end;
    }
    if (end < out.size() && out[end] == '@') {
      std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < end) {
        out.replace(colon + 1, end - colon - 1, "****");
        end = colon + 1 + 4;
      }
    }
    pos = end;
  }
  // Bearer <token> -> Bearer ****
  static constexpr std::string_view kBearer = "Bearer ";
  for (std::size_t pos = out.find(kBearer); pos != std::string::npos;
       pos = out.find(kBearer, pos)) {
    std::size_t start = pos + kBearer.size();
    std::size_t end = start;
    while (end < out.size() && out[end] != ' ' && out[end] != '"' && out[end] != '\n' &&
           out[end] != ',') {
      ++end;
    }
    if (end > start) out.replace(start, end - start, "****");
    pos = start + 4;
  }
  return out;
}

void write(LogLevel level, std::string_view logger, std::string_view message, const Json* fields) {
  if (!enabled(level)) return;
  const auto& state = get_session().state();
  const auto& request_id = detail::request_tags().request_id;
  const auto& trace_id = detail::request_tags().trace_id;
  std::string line;
  if (config().json.load(std::memory_order_relaxed)) {
    Json record = Json::object();
    record["timestamp"] = timestamp();
    record["level"] = to_string(level);
    record["logger"] = logger;
    record["message"] = message;
    if (!request_id.empty()) record["requestId"] = request_id;
    if (state) record["state"] = *state;
    if (!trace_id.empty()) record["traceId"] = trace_id;
    if (fields != nullptr && fields->is_object()) {
      for (const auto& [key, value] : fields->items()) {
        if (!record.contains(key)) record[key] = value;
      }
    }
    line = redact(dump_json(record));
  } else {
    line = fmt::format("{} {} {} {} {}", timestamp(), to_string(level),
                       request_id.empty() ? "-" : request_id, logger, message);
    if (fields != nullptr && fields->is_object()) line += " " + dump_json(*fields);
    line = redact(line);
  }
  emit_line(line);
}

void write_raw(std::string_view line) {
  emit_line(line);
}

void set_sink(Sink sink, void* user) {
  auto& state = sink_state();
  std::lock_guard lock(state.mutex);
  state.sink = sink;
  state.user = user;
}

void set_request_context(std::string request, std::string trace) {
  detail::request_tags().request_id = std::move(request);
  detail::request_tags().trace_id = std::move(trace);
}

void clear_request_context() {
  set_request_context({}, {});
}

}  // namespace log
}  // namespace aws_helper
