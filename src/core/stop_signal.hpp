// SIGTERM as the platforms send it — Lambda's shutdown, the emulator stopping, ECS stopping a
// task (StopTask, a scale-in, a deployment; SIGKILL follows stopTimeout later, 30 s by default)
// — caught for the lifetime of a scope. Private to the framework.
#pragma once

#include <csignal>

namespace aws_helper::detail {

// Installs `handler` for SIGTERM while it lives and puts the previous action back. The handler
// runs in signal context: it may only touch lock-free atomics and async-signal-safe calls.
class SigtermScope {
 public:
  explicit SigtermScope(void (*handler)(int));
  ~SigtermScope();
  SigtermScope(const SigtermScope&) = delete;
  SigtermScope& operator=(const SigtermScope&) = delete;

 private:
  struct sigaction previous_ {};
};

}  // namespace aws_helper::detail
