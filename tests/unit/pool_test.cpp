#include <atomic>
#include <chrono>
#include <stdexcept>

#include <gtest/gtest.h>

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
