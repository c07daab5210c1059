#include <algorithm>

#include <aws_helper/document.hpp>
#include <aws_helper/lambda_invoker.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {
namespace {

// The Invoke API's payload limits: 6 MB for RequestResponse, 1 MB for Event.
constexpr std::size_t kMaxSyncPayload = std::size_t{6} * 1024 * 1024;
constexpr std::size_t kMaxAsyncPayload = std::size_t{1024} * 1024;

aws::AwsClient client_for(std::string_view function_name) {
  auto region = aws::arn_region(function_name);
  return region ? aws::AwsClient("lambda", "LAMBDA", *region) : aws::AwsClient("lambda", "LAMBDA");
}

aws::AwsRequest invoke_request(std::string_view function_name, const Json& payload,
                               const char* invocation_type, std::size_t limit) {
  if (function_name.empty()) throw ValueError("A function name is required");
  aws::AwsRequest request;
  request.method = "POST";
  request.path = LambdaInvoker::invocation_path(function_name);
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Amz-Invocation-Type", invocation_type}};
  request.body = mongo_json_dumps(LambdaInvoker::with_session(payload));
  if (request.body.size() > limit) {
    throw ValueError("The payload for " + std::string(function_name) + " is " +
                     std::to_string(request.body.size()) + " bytes; Lambda accepts at most " +
                     std::to_string(limit) + " for this invocation type");
  }
  // A synchronous call lasts as long as the function may run (up to 15 minutes), and is not
  // repeated after a timeout: the function may have run.
  request.timeout = std::chrono::minutes(16);
  request.idempotent = false;
  return request;
}

// The document a runtime posts for a failed invocation: {"errorMessage", "errorType",
// "stackTrace"?}. Lambda flags it with X-Amz-Function-Error; the Runtime Interface Emulator
// does not, so the shape is recognised too.
bool runtime_error_document(const Json& reply) {
  if (!reply.is_object() || !reply.contains("errorType") || !reply.contains("errorMessage")) {
    return false;
  }
  return std::all_of(reply.items().begin(), reply.items().end(), [](const auto& item) {
    return item.key() == "errorType" || item.key() == "errorMessage" ||
           item.key() == "stackTrace" || item.key() == "requestId" || item.key() == "cause";
  });
}

}  // namespace

std::string LambdaInvoker::invocation_path(std::string_view function_name) {
  return "/2015-03-31/functions/" + sigv4::uri_encode(function_name) + "/invocations";
}

Json LambdaInvoker::with_session(const Json& payload) {
  if (!payload.is_object() || payload.contains("session")) return payload;
  auto session = get_session().to_json();
  if (session.empty()) return payload;
  Json out = payload;
  out["session"] = std::move(session);
  return out;
}

Json LambdaInvoker::invoke(std::string_view function_name, const Json& payload) const {
  auto request = invoke_request(function_name, payload, "RequestResponse", kMaxSyncPayload);
  aws::AwsResponse response;
  try {
    response = client_for(function_name).send(request);
  } catch (const aws::AwsError& error) {
    throw LambdaInvocationError("Failed to invoke " + std::string(function_name) + ": " +
                                error.what());
  }
  Json reply;
  try {
    reply = response.body.empty() ? Json(nullptr) : parse_json(response.body, "The reply");
  } catch (const ValueError& error) {
    if (!response.header("X-Amz-Function-Error")) {
      throw LambdaInvocationError("Lambda " + std::string(function_name) +
                                  " returned a reply that is not JSON: " + error.what());
    }
    reply = response.body;
  }
  auto function_error = response.header("X-Amz-Function-Error");
  if (!function_error && runtime_error_document(reply)) function_error = "Unhandled";
  if (function_error) {
    throw LambdaResponseError(
        "Lambda " + std::string(function_name) + " returned error: " + dump_json(reply),
        *function_error, reply);
  }
  return reply;
}

void LambdaInvoker::invoke_async(std::string_view function_name, const Json& payload) const {
  auto request = invoke_request(function_name, payload, "Event", kMaxAsyncPayload);
  request.timeout = std::chrono::seconds(30);
  try {
    static_cast<void>(client_for(function_name).send(request));
  } catch (const aws::AwsError& error) {
    throw LambdaInvocationError("Failed to async invoke " + std::string(function_name) + ": " +
                                error.what());
  }
}

}  // namespace aws_helper
