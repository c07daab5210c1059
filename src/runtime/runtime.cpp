#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/runtime.hpp>
#include <aws_helper/session.hpp>

#include "core/stop_signal.hpp"
#include "runtime/runtime_client.hpp"

namespace aws_helper::runtime {

namespace {

thread_local const InvocationContext* current = nullptr;

const Logger& logger() {
  static const Logger instance{"aws_helper.runtime"};
  return instance;
}

std::optional<std::string> resolve_endpoint(const RunOptions& options) {
  if (options.endpoint) return options.endpoint;
  auto endpoint = get_env("AWS_LAMBDA_RUNTIME_API");
  if (endpoint && endpoint->empty()) return std::nullopt;
  return endpoint;
}

// The X-Ray SDKs read the trace header from this variable. It is set between invocations,
// while no framework task runs, so no other thread is reading the environment.
void set_trace_variable(const std::string& trace_id) {
  if (trace_id.empty()) {
    unsetenv("_X_AMZN_TRACE_ID");  // NOLINT(concurrency-mt-unsafe)
  } else {
    setenv("_X_AMZN_TRACE_ID", trace_id.c_str(), 1);  // NOLINT(concurrency-mt-unsafe)
  }
}

enum class Next { serve, exit };

// Posts the outcome. Returns Next::exit only when the Runtime API reports a container error.
Next deliver(RuntimeClient& client, const InvocationRequest& invocation, InvocationResult outcome) {
  const std::string& id = invocation.context.request_id;
  try {
    if (outcome.ok) {
      int status = client.post_response(id, outcome.payload);
      if (status == 202) return Next::serve;
      if (status == 500) {
        logger().error("The Runtime API reported a container error; exiting");
        return Next::exit;
      }
      if (status == 413) {
        outcome.error_type = "Function.ResponseSizeTooLarge";
        outcome.error_message = fmt::format(
            "Response payload size ({} bytes) exceeded maximum allowed payload size ({} bytes).",
            outcome.payload.size(), kMaxResponseBytes);
      } else {
        outcome.error_type = "Runtime.InvalidResponse";
        outcome.error_message =
            fmt::format("The Runtime API refused the reply with status {}", status);
      }
      logger().error("{}", outcome.error_message);
      // Lambda may already have failed the invocation itself; reporting it again is harmless.
      status = client.post_error(id, outcome.error_type, outcome.error_message);
      if (status != 202) logger().warn("The Runtime API answered {} to the error report", status);
      return Next::serve;
    }
    logger().error("Unhandled exception in handler: {}: {}", outcome.error_type,
                   outcome.error_message);
    int status = client.post_error(id, outcome.error_type, outcome.error_message);
    if (status == 500) return Next::exit;
    if (status != 202) logger().warn("The Runtime API answered {} to the error report", status);
  } catch (const std::exception& error) {
    // The reply could not be delivered; Lambda times the invocation out. Keep serving.
    logger().error("Could not post the outcome of invocation {}: {}", id, error.what());
  }
  return Next::serve;
}

}  // namespace

std::chrono::milliseconds InvocationContext::remaining_time() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::system_clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

const InvocationContext* current_context() noexcept {
  return current;
}

InvocationResult invoke_once(const Handler& handler, const InvocationRequest& request) {
  set_trace_variable(request.context.trace_id);
  log::set_request_context(request.context.request_id, request.context.trace_id);
  current = &request.context;
  InvocationResult result;
  {
    // The deadline on the steady clock, for every wait the handler starts (deadline.hpp).
    std::optional<Deadline> deadline;
    if (request.context.deadline != std::chrono::system_clock::time_point{}) {
      deadline = std::chrono::steady_clock::now() + request.context.remaining_time();
    }
    DeadlineScope deadline_scope{deadline};
    // Each invocation starts with an empty session, whatever the previous one left.
    SessionScope scope{Session{}};
    // The framework's only catch-all: whatever the handler throws becomes an error reply.
    try {
      result.payload = handler(request);
      result.ok = true;
    } catch (const std::exception& error) {
      result.error_type = error_type_of(error);
      result.error_message = error.what();
    } catch (...) {
      result.error_type = "UnknownException";
      result.error_message =
          "The handler threw an exception that does not derive from std::exception";
    }
    // The invocation's metrics, whatever its outcome, while its request id is still set; before
    // the reply is posted, since Lambda may freeze the process as soon as it is.
    metrics::detail::end_invocation();
  }
  current = nullptr;
  log::clear_request_context();
  return result;
}

namespace {
// SIGTERM (Lambda's shutdown, the emulator stopping, a container stop): between invocations
// the process ends at once; during one, the invocation finishes and its reply is posted first.
std::atomic<bool> in_flight{false};
std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int /*signal*/) {
  if (!in_flight.load()) std::_Exit(0);  // async-signal-safe; nothing is in progress
  stop_requested.store(true);
}

}  // namespace

int run(const Handler& handler, const RunOptions& options) {
  stop_requested = false;
  detail::SigtermScope stop_signal{on_stop_signal};
  auto endpoint = resolve_endpoint(options);
  if (!endpoint) {
    logger().error("AWS_LAMBDA_RUNTIME_API is not set: run under Lambda or the emulator");
    return 2;
  }
  RuntimeClient client(*endpoint);

  // A failed fetch is retried with capped exponential backoff, logging every tenth failure.
  std::chrono::milliseconds backoff{0};
  std::size_t failures = 0;
  auto back_off = [&](const std::exception& error) {
    if (failures++ % 10 == 0)
      logger().warn("Fetching the next invocation failed: {}", error.what());
    backoff =
        std::clamp(backoff * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    std::this_thread::sleep_for(backoff);
  };
  for (std::size_t served = 0; options.max_invocations == 0 || served < options.max_invocations;) {
    InvocationRequest invocation;
    try {
      invocation = client.next();
      backoff = std::chrono::milliseconds(0);
      failures = 0;
    } catch (const RuntimeApiError& error) {
      if (error.status() == 500) {
        logger().error("The Runtime API reported a container error; exiting: {}", error.what());
        return 1;
      }
      back_off(error);
      continue;
    } catch (const std::exception& error) {
      back_off(error);
      continue;
    }
    ++served;

    in_flight = true;
    InvocationResult outcome = invoke_once(handler, invocation);
    log::set_request_context(invocation.context.request_id, invocation.context.trace_id);
    Next next = deliver(client, invocation, std::move(outcome));
    log::clear_request_context();
    in_flight = false;
    if (next == Next::exit) return 1;
    if (stop_requested) {
      logger().info("SIGTERM during an invocation: its reply is posted; stopping");
      return 0;
    }
  }
  return 0;
}

bool report_init_error(std::string_view error_type, std::string_view message,
                       const RunOptions& options) {
  logger().error("Initialisation failed: {}: {}", error_type, message);
  auto endpoint = resolve_endpoint(options);
  if (!endpoint) return false;
  try {
    RuntimeClient client(*endpoint);
    return client.post_init_error(error_type, message) == 202;
  } catch (const std::exception& error) {
    logger().error("Could not report the initialisation error: {}", error.what());
    return false;
  }
}

}  // namespace aws_helper::runtime
