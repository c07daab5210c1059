#include <cstdlib>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>

namespace aws_helper {

std::optional<std::string> get_env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string get_env_or(const char* name, std::string fallback) {
  auto value = get_env(name);
  return value ? *value : std::move(fallback);
}

std::string require_env(const char* name) {
  auto value = get_env(name);
  if (!value || value->empty()) {
    throw ConfigurationError(std::string("Required environment variable '") + name + "' not found");
  }
  return *value;
}

}  // namespace aws_helper
