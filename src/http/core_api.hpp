// Reading from core, the estate's own service (private to the framework): the service
// registry (GET /services), the signing keys (GET /jwks) and the service settings
// (GET /service-settings). CORE_API_URL is the one address a service holds, as in Python 1.11.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper::http {

// CORE_API_URL without surrounding blanks and trailing slashes; empty when unset.
[[nodiscard]] std::string core_api_url();

// The token a service presents to another: INTER_SERVICE_TOKEN, else AUTH_BYPASS_TOKEN; empty
// when neither is set.
[[nodiscard]] std::string inter_service_token();

// Core could not be asked: CORE_API_URL unset, no reply, a status of 400 or more, or a reply
// that is not JSON. The message names the URL and the cause, never the token.
class CoreApiError : public Error {
 public:
  explicit CoreApiError(const std::string& message) : Error("CoreApiError", message, 502) {}
};

// GET {CORE_API_URL}{path}, parsed. `with_token` adds "Authorization: Bearer <token>" when a
// token is configured. Bounded by `timeout` and by the invocation's deadline.
[[nodiscard]] Json get_from_core(std::string_view path, std::chrono::milliseconds timeout,
                                 bool with_token);

}  // namespace aws_helper::http
