// Test access to the settings cache (private to the framework).
#pragma once

#include <chrono>

namespace aws_helper::settings::detail {

// Moves the last failed attempt `by` into the past, as if that much time had gone by.
void backdate_last_try(std::chrono::seconds by);

}  // namespace aws_helper::settings::detail
