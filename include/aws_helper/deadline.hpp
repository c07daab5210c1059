// The deadline of the work on this thread: a Lambda invocation's (Lambda-Runtime-Deadline-Ms), a
// request served by `bootstrap serve` (30 s, as API Gateway), a local `bootstrap invoke`.
//
// The runtime sets it for each invocation; the worker pool carries it to the threads that help
// (an SQS batch). Every wait the framework starts on the network is bounded by it: MongoDB
// operations check it before they start and give the server the time that is left (maxTimeMS on
// reads), HTTP calls (AWS, other services, Lambda invocations) cap their timeout to it, and the
// AWS client stops retrying when a retry could not finish in time. Outside an invocation (a
// Fargate task, a test) there is no deadline and only the configured timeouts apply.
#pragma once

#include <chrono>
#include <optional>

namespace aws_helper {

using Deadline = std::chrono::steady_clock::time_point;

// The deadline of this thread's work, or none.
[[nodiscard]] std::optional<Deadline> current_deadline() noexcept;

// Time left before the deadline (zero once it has passed), or none without a deadline.
[[nodiscard]] std::optional<std::chrono::milliseconds> time_left() noexcept;

// `timeout` capped to the time left (0 = "no timeout" becomes the time left); unchanged without
// a deadline. Never below `floor`, so a call made just before the deadline still fails cleanly
// with a timeout rather than running unbounded.
[[nodiscard]] std::chrono::milliseconds bounded_by_deadline(
    std::chrono::milliseconds timeout,
    std::chrono::milliseconds floor = std::chrono::milliseconds(1)) noexcept;

// Sets the thread's deadline for the lifetime of the scope and restores the previous one.
class DeadlineScope {
 public:
  explicit DeadlineScope(std::optional<Deadline> deadline) noexcept;
  ~DeadlineScope();
  DeadlineScope(const DeadlineScope&) = delete;
  DeadlineScope& operator=(const DeadlineScope&) = delete;
  DeadlineScope(DeadlineScope&&) = delete;
  DeadlineScope& operator=(DeadlineScope&&) = delete;

 private:
  std::optional<Deadline> previous_;
};

}  // namespace aws_helper
