// The Lambda custom runtime (provided.al2023): the loop that talks to the Runtime API.
//
// run() fetches an invocation, hands it to the handler, and posts the reply or the error, for
// ever. It is the only catch-all in the framework: whatever the handler throws, standard
// exception or not, becomes an error reply for that invocation and the loop goes on. A reply
// the Runtime API refuses (over 6 MB) is reported as an error of that invocation. A failed
// fetch of the next invocation is retried with capped backoff.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace aws_helper::runtime {

// What Lambda tells about one invocation (the Lambda-Runtime-* headers).
struct InvocationContext {
  std::string request_id;                            // Lambda-Runtime-Aws-Request-Id
  std::chrono::system_clock::time_point deadline{};  // Lambda-Runtime-Deadline-Ms
  std::string function_arn;                          // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;          // Lambda-Runtime-Trace-Id (also in _X_AMZN_TRACE_ID)
  std::string client_context;    // Lambda-Runtime-Client-Context (JSON text; mobile SDKs)
  std::string cognito_identity;  // Lambda-Runtime-Cognito-Identity (JSON text)
  std::string tenant_id;         // Lambda-Runtime-Aws-Tenant-Id (tenant isolation mode)

  // Time left before Lambda stops the invocation; zero once the deadline has passed.
  [[nodiscard]] std::chrono::milliseconds remaining_time() const;
};

struct InvocationRequest {
  std::string payload;  // the event, as Lambda sent it (JSON text)
  InvocationContext context;
};

// A handler returns the reply payload (JSON text) or throws.
using Handler = std::function<std::string(const InvocationRequest&)>;

// What became of one invocation.
struct InvocationResult {
  bool ok = false;
  std::string payload;        // the reply, when ok
  std::string error_type;     // otherwise: a stable error-type name
  std::string error_message;  // and the exception's message
};

// Runs the handler for one invocation the way the loop does: _X_AMZN_TRACE_ID, the log's
// request context and current_context() are set, the session starts empty, and any exception
// is caught into the result. Used by run() and by local invocation (`bootstrap invoke`).
[[nodiscard]] InvocationResult invoke_once(const Handler& handler,
                                           const InvocationRequest& request);

// The context of the invocation running on this thread, or nullptr outside one.
[[nodiscard]] const InvocationContext* current_context() noexcept;

struct RunOptions {
  // host:port of the Runtime API; default AWS_LAMBDA_RUNTIME_API.
  std::optional<std::string> endpoint;
  // Stop after this many invocations (0: never). For tests and benchmarks.
  std::size_t max_invocations = 0;
};

// Serves invocations until the platform stops the process (or max_invocations is reached).
// Returns the process exit code: 0 after max_invocations, non-zero when the Runtime API cannot
// be reached at all or tells the runtime to exit.
int run(const Handler& handler, const RunOptions& options = {});

// Reports a failed initialisation to /runtime/init/error. Returns false when the Runtime API
// could not be told (the caller exits non-zero either way).
bool report_init_error(std::string_view error_type, std::string_view message,
                       const RunOptions& options = {});

// The error payload Lambda expects: {"errorMessage", "errorType", "stackTrace": []}.
[[nodiscard]] std::string error_payload(std::string_view error_type, std::string_view message);

}  // namespace aws_helper::runtime
