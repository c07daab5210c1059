// Environment variables.
#pragma once

#include <optional>
#include <string>

namespace aws_helper {

// The variable's value, or nullopt when it is unset. An empty value is returned as "".
[[nodiscard]] std::optional<std::string> get_env(const char* name);

// The variable's value or `fallback` when it is unset.
[[nodiscard]] std::string get_env_or(const char* name, std::string fallback);

// The variable's value; throws ConfigurationError naming the variable when it is unset or empty.
[[nodiscard]] std::string require_env(const char* name);

}  // namespace aws_helper
