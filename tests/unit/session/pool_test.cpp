#include <atomic>
#include <chrono>
#include <stdexcept>

#include <gtest/gtest.h>

#include <aws_helper/deadline.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/pool.hpp>

namespace aws_helper {
namespace {

using namespace std::chrono_literals;

TEST(PoolTest, SubmitRunsUnderCallersSession) {
  ThreadPool pool(2);
  SessionScope scope{Session{"texas", std::nullopt}};
  auto future = pool.submit([] { return get_session().state().value_or("none"); });
  EXPECT_EQ(future.get(), "texas");
}

TEST(PoolTest, SubmitPropagatesExceptions) {
  ThreadPool pool(1);
  auto future = pool.submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(future.get(), std::runtime_error);
}

TEST(PoolTest, GatherReturnsResultsInOrder) {
  ThreadPool pool(4);
  std::vector<std::function<int()>> tasks;
  for (int i = 0; i < 50; ++i) {
    tasks.emplace_back([i] {
      std::this_thread::sleep_for(std::chrono::microseconds((50 - i) * 20));
      return i * i;
    });
  }
  auto results = gather(tasks, 0, pool);
  ASSERT_EQ(results.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(results[static_cast<std::size_t>(i)], i * i);
}

TEST(PoolTest, GatherTasksInheritSessionAndRequestTags) {
  ThreadPool pool(3);
  SessionScope scope{Session{"maine", std::nullopt}};
  detail::request_tags() = {"req-1", "Root=1-abc"};
  std::vector<std::function<std::string()>> tasks(
      8, [] { return *get_session().state() + "/" + detail::request_tags().request_id; });
  for (const auto& result : gather(tasks, 0, pool)) EXPECT_EQ(result, "maine/req-1");
  detail::request_tags() = {};
}

// The helpers of an SQS batch wait on MongoDB and AWS too: they get the invocation's deadline.
TEST(PoolTest, TasksInheritTheDeadlineAndDoNotKeepIt) {
  ThreadPool pool(2);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  {
    DeadlineScope scope{deadline};
    std::vector<std::function<bool()>> tasks(6, [deadline] {
      auto left = time_left();
      return current_deadline() == deadline && left && *left <= 5000ms && *left > 1000ms;
    });
    for (bool ok : gather(tasks, 0, pool)) EXPECT_TRUE(ok);
  }
  EXPECT_FALSE(pool.submit([] { return current_deadline().has_value(); }).get());
}

TEST(DeadlineTest, BoundsTimeoutsOnlyInsideAScope) {
  EXPECT_FALSE(time_left().has_value());
  EXPECT_EQ(bounded_by_deadline(10s), 10s);
  EXPECT_EQ(bounded_by_deadline(0ms), 0ms);  // "no timeout" stays so outside an invocation
  {
    DeadlineScope outer{std::chrono::steady_clock::now() + 2s};
    EXPECT_LE(bounded_by_deadline(10s), 2000ms);
    EXPECT_GT(bounded_by_deadline(10s), 1000ms);
    EXPECT_LE(bounded_by_deadline(0ms), 2000ms);  // no timeout becomes the time left
    EXPECT_EQ(bounded_by_deadline(50ms), 50ms);
    {
      DeadlineScope passed{std::chrono::steady_clock::now() - 1s};
      EXPECT_EQ(time_left(), 0ms);
      EXPECT_EQ(bounded_by_deadline(10s), 1ms);  // the floor: fails at once, never unbounded
    }
    EXPECT_GT(*time_left(), 1000ms);  // the outer deadline is back
  }
  EXPECT_FALSE(current_deadline().has_value());
}

TEST(PoolTest, PoolThreadsDoNotKeepTheSessionAfterATask) {
  ThreadPool pool(1);
  {
    SessionScope scope{Session{"ohio", std::nullopt}};
    pool.submit([] { return 0; }).get();
  }
  auto seen = pool.submit([] { return get_session().state(); });
  EXPECT_FALSE(seen.get().has_value());
}

TEST(PoolTest, GatherRunsEveryTaskThenRethrowsTheFirstError) {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  std::vector<std::function<int()>> tasks;
  for (int i = 0; i < 6; ++i) {
    tasks.emplace_back([i, &ran]() -> int {
      ++ran;
      if (i == 2) throw std::invalid_argument("task 2");
      if (i == 4) throw std::runtime_error("task 4");
      return i;
    });
  }
  try {
    (void)gather(tasks, 0, pool);
    FAIL() << "gather should rethrow";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "task 2");
  }
  EXPECT_EQ(ran.load(), 6);
}

TEST(PoolTest, GatherRespectsMaxConcurrency) {
  ThreadPool pool(8);
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  std::vector<std::function<void()>> tasks(24, [&] {
    int now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(2ms);
    --running;
  });
  gather_void(tasks, 3, pool);
  EXPECT_EQ(peak.load(), 3);
  peak = 0;
  gather_void(tasks, 1, pool);
  EXPECT_EQ(peak.load(), 1);
}

TEST(PoolTest, NestedGatherOnASaturatedPoolDoesNotDeadlock) {
  ThreadPool pool(1);
  std::vector<std::function<int()>> outer;
  for (int i = 0; i < 4; ++i) {
    outer.emplace_back([&pool, i] {
      std::vector<std::function<int()>> inner(3, [i] { return i; });
      int sum = 0;
      for (int v : gather(inner, 0, pool)) sum += v;
      return sum;
    });
  }
  auto results = gather(outer, 0, pool);
  EXPECT_EQ(results, (std::vector<int>{0, 3, 6, 9}));
}

TEST(PoolTest, EmptyGatherReturnsNothing) {
  std::vector<std::function<int()>> none;
  EXPECT_TRUE(gather(none).empty());
}

}  // namespace
}  // namespace aws_helper
