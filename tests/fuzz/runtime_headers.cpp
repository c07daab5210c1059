// The Lambda Runtime API's /next reply headers (Lambda-Runtime-Aws-Request-Id, -Deadline-Ms,
// -Invoked-Function-Arn, -Trace-Id, -Client-Context, -Cognito-Identity, -Aws-Tenant-Id) read
// into an InvocationContext, and one invocation run the way the loop runs it (invoke_once:
// the trace variable, the log's request context, the current context, the deadline every wait
// is bounded by), with a handler that reads them back and logs them.
//
// The input is header lines ("Name: value"), split the way the HTTP client splits what curl
// hands it (src/http/http_client.cpp, on_header).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <aws_helper/deadline.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/runtime.hpp>

#include "fuzz_support.hpp"
#include "runtime/runtime_client.hpp"

namespace aws_helper {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

http::Headers headers_of(std::string_view text) {
  http::Headers headers;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (auto colon = line.find(':'); colon != std::string_view::npos) {
      headers.add(std::string(trim(line.substr(0, colon))),
                  std::string(trim(line.substr(colon + 1))));
    }
  }
  return headers;
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  runtime::InvocationRequest request;
  request.context = runtime::context_from_headers(headers_of(fuzz::text_of(data, size)));
  request.payload = request.context.client_context;
  FUZZ_CHECK(request.context.remaining_time() >= std::chrono::milliseconds(0));

  auto result = runtime::invoke_once(
      [](const runtime::InvocationRequest& invocation) -> std::string {
        const auto* context = runtime::current_context();
        FUZZ_CHECK(context == &invocation.context);
        FUZZ_CHECK(context->remaining_time() >= std::chrono::milliseconds(0));
        // Every wait the handler starts is bounded by the invocation's deadline.
        auto left = time_left();
        FUZZ_CHECK(left.has_value() && *left >= std::chrono::milliseconds(0));
        auto bounded = bounded_by_deadline(std::chrono::seconds(30));
        FUZZ_CHECK(bounded >= std::chrono::milliseconds(1) && bounded <= std::chrono::seconds(30));
        FUZZ_CHECK(bounded_by_deadline(std::chrono::milliseconds(0)) >=
                   std::chrono::milliseconds(1));
        Logger("fuzz").warn("invocation {} of {} ({})", context->request_id, context->function_arn,
                            context->tenant_id);
        if (context->request_id.empty()) throw ValueError("no request id");
        return runtime::error_payload(context->trace_id, context->cognito_identity);
      },
      request);
  FUZZ_CHECK(result.ok == !request.context.request_id.empty());
  FUZZ_CHECK(result.ok || result.error_type == "ValueError");
  static_cast<void>(runtime::error_payload(result.error_type, result.error_message));
  return 0;
}
