#include <algorithm>
#include <atomic>
#include <string>

#include <aws_helper/env.hpp>
#include <aws_helper/pool.hpp>

namespace aws_helper {

ThreadPool::ThreadPool(std::size_t threads) {
  threads = std::max<std::size_t>(threads, 1);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
}

void ThreadPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job();
    } catch (...) {  // NOLINT(bugprone-empty-catch): submit() routes errors to futures
    }
  }
}

ThreadPool& pool() {
  static ThreadPool instance([] {
    auto configured = get_env("AWS_HELPER_POOL_SIZE");
    if (configured) {
      try {
        auto n = std::stoul(*configured);
        if (n > 0 && n <= 256) return static_cast<std::size_t>(n);
      } catch (const std::exception&) {  // fall back to the default
      }
    }
    return std::size_t{8};
  }());
  return instance;
}

namespace detail {

namespace {
// Shared by the caller and the helpers it posts; outlives the call when a helper starts late.
struct BoundedRun {
  std::size_t count = 0;
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t active_helpers = 0;
  bool closed = false;  // set once the caller has finished; helpers starting later do nothing
  std::vector<std::exception_ptr> errors;
};

void drain(BoundedRun& run, const std::function<void(std::size_t)>& job) {
  for (std::size_t i = run.next++; i < run.count; i = run.next++) {
    try {
      job(i);
    } catch (...) {
      run.errors[i] = std::current_exception();
    }
  }
}
}  // namespace

void run_bounded(std::size_t count, std::size_t max_concurrency,
                 const std::function<void(std::size_t)>& job, ThreadPool& pool) {
  if (count == 0) return;
  auto run = std::make_shared<BoundedRun>();
  run->count = count;
  run->errors.resize(count);

  std::size_t runners = count;
  if (max_concurrency > 0) runners = std::min(runners, max_concurrency);
  runners = std::min(runners, pool.size() + 1);

  detail::Ambient ambient = detail::capture_ambient();
  // The caller is one runner; the others are pool jobs. A helper that starts after the caller
  // has closed the run returns at once, so the caller never waits for a helper that has not
  // started (which could deadlock when every pool thread is itself waiting in a gather).
  for (std::size_t h = 1; h < runners; ++h) {
    pool.post([run, &job, ambient] {
      {
        std::lock_guard lock(run->mutex);
        if (run->closed) return;
        ++run->active_helpers;
      }
      {
        AmbientScope scope{ambient};
        drain(*run, job);
      }
      std::lock_guard lock(run->mutex);
      if (--run->active_helpers == 0) run->idle.notify_all();
    });
  }
  drain(*run, job);
  // The errors leave the shared run here, so the exceptions end on this thread, the one that
  // handles them, and not on a pool thread that drops the last reference to the run later
  // (ThreadSanitizer, which cannot see libstdc++'s own reference counts, reported that hand-off
  // as a race).
  std::vector<std::exception_ptr> errors;
  {
    std::unique_lock lock(run->mutex);
    run->idle.wait(lock, [&] { return run->active_helpers == 0; });
    run->closed = true;
    errors = std::move(run->errors);
  }
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace detail
}  // namespace aws_helper
