// The service's API as an OpenAPI 3.1 document, made from what the build already knows: the
// route table (paths, methods, path parameters), each API's schema() (query parameters for GET,
// the request body otherwise), its doc() (summary, success body), its AUTHORIZATION mode (the
// bearer scheme, the state header, the permission it needs) and the framework's error replies.
//
//   bootstrap openapi [--server URL] [--title T] [--api-version V]   prints it
//   bootstrap serve                                  serves it at /openapi.json, Swagger UI at
//   /docs
//
// The settings that shape it are read from the environment, as the `api` handler reads them:
// AUTHORIZATION, AUTH_STRATEGY, REQUIRES_STATE, STATE_HEADER, SERVICE_CODE. See docs/openapi.md.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <aws_helper/api.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper {

struct OpenApiOptions {
  std::string title{};                 // default: "API"
  std::string version = "1.0.0";       // info.version: the API's version, not the framework's
  std::string description{};           // Markdown, before the framework's notes on auth and errors
  std::vector<std::string> servers{};  // default: "/" (the origin the document is read from)
};

// ConfigurationError when a setting it reads is malformed (as the `api` handler would fail).
[[nodiscard]] Json openapi_document(std::span<const ApiEntry> apis,
                                    const OpenApiOptions& options = {});

}  // namespace aws_helper
