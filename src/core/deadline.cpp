#include <algorithm>
#include <utility>

#include <aws_helper/deadline.hpp>

namespace aws_helper {
namespace {
thread_local std::optional<Deadline> current;
}  // namespace

std::optional<Deadline> current_deadline() noexcept {
  return current;
}

std::optional<std::chrono::milliseconds> time_left() noexcept {
  if (!current) return std::nullopt;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      *current - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

std::chrono::milliseconds bounded_by_deadline(std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds floor) noexcept {
  auto left = time_left();
  if (!left) return timeout;
  auto bounded = timeout.count() <= 0 ? *left : std::min(timeout, *left);
  return std::max(bounded, floor);
}

DeadlineScope::DeadlineScope(std::optional<Deadline> deadline) noexcept
    : previous_(std::exchange(current, deadline)) {}

DeadlineScope::~DeadlineScope() {
  current = previous_;
}

}  // namespace aws_helper
