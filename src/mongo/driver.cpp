#include "mongo/driver.hpp"

#include <atomic>

namespace aws_helper::mongo::driver {

namespace {
const Api kLibmongoc{};
std::atomic<const Api*> current{&kLibmongoc};
}  // namespace

const Api& api() noexcept {
  return *current.load(std::memory_order_acquire);
}

ScopedApi::ScopedApi(const Api& replacement) noexcept
    : previous_(current.exchange(&replacement, std::memory_order_acq_rel)) {}

ScopedApi::~ScopedApi() {
  current.store(previous_, std::memory_order_release);
}

}  // namespace aws_helper::mongo::driver
