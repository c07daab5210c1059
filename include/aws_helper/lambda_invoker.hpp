// Calling other Lambda functions through the Lambda Invoke API.
//
//   aws_helper::LambdaInvoker invoker;
//   Json reply = invoker.invoke("land-records-prod", {{"data", {{"id", "123"}}}});
//   if (!reply.value("success", false)) ...        // framework Lambdas answer with an envelope
//   invoker.invoke_async("generate-route", {{"data", {{"shipping_id", id}}}});
//
// A function is named as the Invoke API accepts it: a name ("my-fn"), a qualified name
// ("my-fn:prod", "my-fn:3"), a full ARN or a partial one ("123456789012:function:my-fn"). The
// region is the ARN's, else AWS_REGION; the endpoint AWS_ENDPOINT_URL_LAMBDA, else
// AWS_ENDPOINT_URL, else the regional one.
//
// The current session is added to the payload as "session" when the payload is an object
// without one, so the called framework Lambda sees the caller's state and user (the Python
// framework left that to the caller). Payloads are sent with the MongoDB JSON conversion. The
// current trace (trace.hpp) goes as the X-Amzn-Trace-Id header, as on every AWS call: Lambda
// continues it in the function it runs (the Runtime Interface Emulator does not: its tracer is
// a no-op, so a bootstrap under it gets no Lambda-Runtime-Trace-Id).
#pragma once

#include <string>
#include <string_view>

#include <aws_helper/aws.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

// The call itself failed: AWS refused it, or no reply came (after retries).
class LambdaInvocationError : public Error {
 public:
  explicit LambdaInvocationError(const std::string& message)
      : Error("LambdaInvocationError", message, 502) {}
};

// The function ran and failed (the reply carried X-Amz-Function-Error): an uncaught error or a
// runtime failure. payload() is the function's error document.
class LambdaResponseError : public Error {
 public:
  LambdaResponseError(const std::string& message, std::string function_error, Json payload)
      : Error("LambdaResponseError", message, 502),
        function_error_(std::move(function_error)),
        payload_(std::move(payload)) {}
  [[nodiscard]] const std::string& function_error() const noexcept { return function_error_; }
  [[nodiscard]] const Json& payload() const noexcept { return payload_; }

 private:
  std::string function_error_;  // "Unhandled" (or "Handled" for some runtimes)
  Json payload_;
};

class LambdaInvoker {
 public:
  LambdaInvoker() = default;

  // RequestResponse: waits for the function and returns its parsed reply (any JSON value).
  [[nodiscard]] Json invoke(std::string_view function_name, const Json& payload) const;

  // Event: queues the invocation and returns when Lambda accepted it.
  void invoke_async(std::string_view function_name, const Json& payload) const;

  // "/2015-03-31/functions/<function, percent-encoded>/invocations".
  [[nodiscard]] static std::string invocation_path(std::string_view function_name);

  // The payload as sent: the session added when missing (see above).
  [[nodiscard]] static Json with_session(const Json& payload);
};

}  // namespace aws_helper
