#include "core/stop_signal.hpp"

namespace aws_helper::detail {

SigtermScope::SigtermScope(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, &previous_);
}

SigtermScope::~SigtermScope() {
  sigaction(SIGTERM, &previous_, nullptr);
}

}  // namespace aws_helper::detail
