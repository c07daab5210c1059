// Where other services answer (private to the framework): MICROSERVICE_URLS first, then core's
// registry (GET {CORE_API_URL}/services), as Python 1.11. What core answered is kept for the
// life of the container; a name core does not know asks again at the next call.
#pragma once

#include <string>

namespace aws_helper::detail {

// The base URL of a service, without trailing slashes. ServiceNotConfiguredError when no
// source names it; ApiClientError when core could not be asked.
[[nodiscard]] std::string resolve_service_url(const std::string& service_name);

// Forgets what core answered (tests).
void forget_service_urls();

}  // namespace aws_helper::detail
