// Limits on untrusted input, in one place (docs/security.md lists them).
//
// Every event, body, header and reply the framework reads from outside is checked against these
// before anything walks it. Each is a setting with a safe default:
//
//   AWS_HELPER_MAX_JSON_DEPTH        100   nesting of arrays/objects in any JSON text read
//                                          (BSON's own limit); deeper input is refused before
//                                          it is parsed, so no recursive walk meets it
//   AWS_HELPER_MAX_BODY_BYTES        10485760  an API request body (API Gateway's own limit)
//   AWS_HELPER_MAX_QUERY_PARAMETERS  1000  query parameters of one request
//   AWS_HELPER_MAX_HEADERS           500   header values of one request
//
// A value that is not a positive whole number is a ConfigurationError naming the variable.
#pragma once

#include <cstddef>

namespace aws_helper {

struct Limits {
  std::size_t max_json_depth = 100;
  std::size_t max_body_bytes = std::size_t{10} * 1024 * 1024;
  std::size_t max_query_parameters = 1000;
  std::size_t max_headers = 500;

  // The settings above from the environment; ConfigurationError for a malformed one.
  [[nodiscard]] static Limits from_env();
};

// Limits::from_env(), read once per process.
[[nodiscard]] const Limits& limits();

}  // namespace aws_helper
