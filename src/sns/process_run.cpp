// process_run (see monitoring.hpp): the run events of aws-python-helper's monitoring/run.py.
#include <chrono>
#include <random>

#include <fmt/format.h>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/monitoring.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/sns.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

constexpr const char* kTopicVariable = "PROCESS_RUNS_TOPIC_ARN";
constexpr std::size_t kMaxError = 2000;

const Logger& logger() {
  static const Logger instance("aws_helper.monitoring");
  return instance;
}

// A random (version 4) UUID: a run id, not a secret.
std::string random_uuid() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uint64_t high = engine();
  std::uint64_t low = engine();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xFFFF,
                     high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

void set_if(Json& payload, const char* key, const std::optional<std::string>& value) {
  if (value) payload[key] = *value;
}

// Sends the event; when it cannot, says so in the log and goes on. It waits for the publish: a
// Lambda is frozen as soon as it returns, and an event not yet sent would be lost.
void publish(const Json& payload) noexcept {
  try {
    auto topic = get_env(kTopicVariable);
    if (!topic || detail::trim(*topic).empty()) {
      logger().warn("{} is not set, so run {} of {} was not reported", kTopicVariable,
                    payload.value("run_id", ""), payload.value("process_code", ""));
      return;
    }
    SNSPublisher publisher(std::string(detail::trim(*topic)));
    (void)publisher.publish(Json{{"content", payload}});
  } catch (const std::exception& error) {
    // Losing the record of a run is bad; failing the run for it would be worse.
    try {
      logger().error("Could not report run {}: {}", payload.value("run_id", ""), error.what());
    } catch (...) {
    }
  } catch (...) {
  }
}

std::string error_text(const std::exception& error) {
  const auto* ours = dynamic_cast<const Error*>(&error);
  std::string type = ours != nullptr ? ours->error_type() : detail::type_name(typeid(error));
  std::string text = type + ": " + error.what();
  if (text.size() > kMaxError) text.resize(kMaxError);
  return text;
}

}  // namespace

std::optional<std::string> resolve_process_code(const std::optional<std::string>& explicit_code) {
  if (explicit_code && !explicit_code->empty()) return explicit_code;
  for (const char* name : {"PROCESS_CODE", "AWS_LAMBDA_FUNCTION_NAME"}) {
    auto value = get_env(name);
    if (!value) continue;
    std::string trimmed(detail::trim(*value));
    if (!trimmed.empty()) return trimmed;
  }
  return std::nullopt;
}

// NOLINTNEXTLINE(bugprone-exception-escape): every throwing step is inside the try below
ProcessRun::ProcessRun(ProcessRunOptions options)
    : options_(std::move(options)),
      reporter_("", ""),
      exceptions_at_start_(std::uncaught_exceptions()) {
  try {
    auto code = resolve_process_code(options_.process_code);
    if (!code) {
      logger().warn(
          "No process code: pass one, or set PROCESS_CODE or AWS_LAMBDA_FUNCTION_NAME. The run "
          "was not reported");
      return;
    }
    if (!options_.state) options_.state = get_session().state();
    reporter_ = RunReporter(options_.run_id.value_or(random_uuid()), *code);
    if (options_.scope) reporter_.set_scope(*options_.scope);
    started_at_ = detail::python_isoformat(std::chrono::system_clock::now());
    common_ = {{"run_id", reporter_.run_id()}, {"process_code", *code}};
    set_if(common_, "state", options_.state);
    set_if(common_, "parent_run_id", options_.parent_run_id);
    set_if(common_, "request_id", options_.request_id);
    reported_ = true;
    Json launched = common_;
    launched["status"] = "launched";
    launched["started_at"] = started_at_;
    set_if(launched, "scope", options_.scope);
    set_if(launched, "resource_arn", options_.resource_arn);
    publish(launched);
  } catch (const std::exception& error) {
    reported_ = false;
    logger().error("The run could not be started for monitoring: {}", error.what());
  }
}

ProcessRun::~ProcessRun() {
  if (finished_) return;
  if (std::uncaught_exceptions() > exceptions_at_start_) {
    finish("failed", std::string("the run ended with an exception in flight"));
  } else {
    finish("success", std::nullopt);
  }
}

void ProcessRun::succeed() noexcept {
  finish("success", std::nullopt);
}

void ProcessRun::fail(const std::exception& error) noexcept {
  try {
    finish("failed", error_text(error));
  } catch (...) {
    finish("failed", std::nullopt);
  }
}

void ProcessRun::fail(const std::string& error) noexcept {
  try {
    finish("failed", error.substr(0, kMaxError));
  } catch (...) {
    finish("failed", std::nullopt);
  }
}

void ProcessRun::finish(const char* status, const std::optional<std::string>& error) noexcept {
  if (finished_) return;
  finished_ = true;
  if (!reported_) return;
  try {
    Json event = common_;
    event["status"] = status;
    event["started_at"] = started_at_;
    event["finished_at"] = detail::python_isoformat(std::chrono::system_clock::now());
    set_if(event, "error", error);
    event["counters"] = Json::object();
    for (const auto& [name, value] : reporter_.counters()) event["counters"][name] = value;
    set_if(event, "scope", reporter_.scope());
    publish(event);
  } catch (...) {
  }
}

}  // namespace aws_helper
