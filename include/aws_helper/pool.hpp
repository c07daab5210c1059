// Explicit concurrency: a small thread pool whose tasks run under the caller's session.
//
// Handlers are synchronous. When a handler fans out (several queries, many SNS batches, index
// sync across states) it hands the work to gather(), which runs the tasks on the framework pool
// with the caller's Session installed in each task, the way Python tasks inherit a contextvar.
// gather() waits for every task, returns the results in order and rethrows the first error.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include <aws_helper/session.hpp>

namespace aws_helper {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t threads);
  ~ThreadPool();  // finishes queued work, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  [[nodiscard]] std::size_t size() const noexcept { return workers_.size(); }

  // Queues `fn`, to run under the caller's current session. Its result or exception reaches
  // the returned future.
  template <class F>
  auto submit(F fn) -> std::future<std::invoke_result_t<F&>> {
    using R = std::invoke_result_t<F&>;
    auto task = std::make_shared<std::packaged_task<R()>>(
        [fn = std::move(fn), ambient = detail::capture_ambient()]() mutable -> R {
          detail::AmbientScope scope{ambient};
          return fn();
        });
    auto future = task->get_future();
    post([task] { (*task)(); });
    return future;
  }

  // Queues a job as it is (no session handling, no result). Exceptions are swallowed.
  void post(std::function<void()> job);

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// The framework pool, created on first use. Its size is AWS_HELPER_POOL_SIZE, default 8
// (the work is mostly waiting on MongoDB and AWS, not CPU).
[[nodiscard]] ThreadPool& pool();

namespace detail {
// Runs job(i) for i in [0, count) with at most `max_concurrency` running at once (0: no bound).
// The calling thread takes part, so progress never depends on a free pool thread and nested
// gathers cannot deadlock. Every job runs even when some fail; the first error (lowest index)
// is rethrown after all have finished.
void run_bounded(std::size_t count, std::size_t max_concurrency,
                 const std::function<void(std::size_t)>& job, ThreadPool& pool);
}  // namespace detail

// Runs the tasks concurrently under the caller's session and returns their results in order.
// `max_concurrency` bounds how many run at once (0: as many as the pool allows).
template <class F>
auto gather(std::vector<F> tasks, std::size_t max_concurrency = 0, ThreadPool& on = pool())
    -> std::vector<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  static_assert(!std::is_void_v<R>, "use gather_void for tasks that return nothing");
  std::vector<std::optional<R>> slots(tasks.size());
  detail::run_bounded(
      tasks.size(), max_concurrency, [&](std::size_t i) { slots[i].emplace(tasks[i]()); }, on);
  std::vector<R> results;
  results.reserve(slots.size());
  for (auto& slot : slots) results.push_back(std::move(*slot));
  return results;
}

// gather() for tasks that return nothing.
template <class F>
void gather_void(std::vector<F> tasks, std::size_t max_concurrency = 0, ThreadPool& on = pool()) {
  detail::run_bounded(
      tasks.size(), max_concurrency, [&](std::size_t i) { tasks[i](); }, on);
}

}  // namespace aws_helper
