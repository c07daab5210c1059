#include <charconv>
#include <string>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/limits.hpp>

namespace aws_helper {

namespace {

void read(const char* name, std::size_t& value) {
  auto text = get_env(name);
  if (!text || text->empty()) return;
  std::size_t parsed = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), parsed);
  if (error != std::errc() || end != text->data() + text->size() || parsed == 0) {
    throw ConfigurationError(std::string(name) + " must be a positive whole number");
  }
  value = parsed;
}

}  // namespace

Limits Limits::from_env() {
  Limits limits;
  read("AWS_HELPER_MAX_JSON_DEPTH", limits.max_json_depth);
  read("AWS_HELPER_MAX_BODY_BYTES", limits.max_body_bytes);
  read("AWS_HELPER_MAX_QUERY_PARAMETERS", limits.max_query_parameters);
  read("AWS_HELPER_MAX_HEADERS", limits.max_headers);
  return limits;
}

const Limits& limits() {
  static const Limits instance = Limits::from_env();
  return instance;
}

}  // namespace aws_helper
