#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include <aws_helper/error.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/pool.hpp>
#include <aws_helper/session.hpp>

#include "unit/metrics/metrics_fixture.hpp"

namespace aws_helper {
namespace {

using testing::MetricsTest;
using testing::OrdersHandler;
using testing::ScopedEnv;

TEST_F(MetricsTest, TheFirstInvocationWritesColdStartAloneAndLaterOnesDoNot) {
  ScopedEnv env{{"AWS_LAMBDA_FUNCTION_NAME", "orders-fn"}};
  auto first = invoke([] { OrdersHandler handler; });
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["ColdStart"], 1);
  EXPECT_EQ(directive(first[0])["Metrics"],
            Json::parse(R"([{"Name":"ColdStart","Unit":"Count"}])"));
  EXPECT_EQ(directive(first[0])["Dimensions"], Json::parse(R"([["service","handler"]])"));
  EXPECT_EQ(directive(first[0])["Namespace"], "orders");
  EXPECT_EQ(first[0]["service"], "orders");
  EXPECT_EQ(first[0]["handler"], "OrdersHandler");
  EXPECT_EQ(first[0]["function_name"], "orders-fn");
  EXPECT_EQ(first[0]["requestId"], "req-1");

  EXPECT_TRUE(invoke([] { OrdersHandler handler; }).empty()) << "nothing recorded, no line";
}

TEST_F(MetricsTest, CountsAddUpGaugesKeepTheLastValueAndAddKeepsEveryValue) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    handler.metrics().count("OrdersProcessed");
    handler.metrics().count("OrdersProcessed", 2);
    handler.metrics().gauge("QueueDepth", 5, MetricUnit::count);
    handler.metrics().gauge("QueueDepth", 7, MetricUnit::count);
    handler.metrics().add("SaveTime", 1.5, HandlerBase::Unit::milliseconds);
    handler.metrics().add("SaveTime", 2.25, HandlerBase::Unit::milliseconds);
    handler.metrics().add("Payload", 512, MetricUnit::bytes);
  });
  ASSERT_EQ(lines.size(), 1u);
  const Json& line = lines[0];
  EXPECT_EQ(directive(line)["Metrics"], Json::parse(R"([{"Name":"OrdersProcessed","Unit":"Count"},
                                            {"Name":"QueueDepth","Unit":"Count"},
                                            {"Name":"SaveTime","Unit":"Milliseconds"},
                                            {"Name":"Payload","Unit":"Bytes"}])"));
  EXPECT_EQ(line["OrdersProcessed"], 3);
  EXPECT_EQ(line["QueueDepth"], 7);
  EXPECT_EQ(line["SaveTime"], Json::parse(R"([1.5, 2.25])"));
  EXPECT_EQ(line["Payload"], 512);
  EXPECT_EQ(directive(line)["Dimensions"], Json::parse(R"([["service","handler"]])"));
  EXPECT_EQ(line["service"], "orders");
  EXPECT_EQ(line["handler"], "OrdersHandler");
  EXPECT_EQ(line["requestId"], "req-1");
  EXPECT_FALSE(line.contains("state"));
}

TEST_F(MetricsTest, ServiceAndNamespaceComeFromTheEnvironmentFrameworkNamesFirst) {
  warm_up();
  {
    ScopedEnv env{{"SERVICE_NAME", "shop"},
                  {"POWERTOOLS_SERVICE_NAME", "ignored"},
                  {"AWS_HELPER_METRICS_NAMESPACE", "Acme/Shop"},
                  {"POWERTOOLS_METRICS_NAMESPACE", "ignored"}};
    metrics::reload_config();
    auto lines = invoke([] { OrdersHandler{}.metrics().count("Orders"); });
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["service"], "shop");
    EXPECT_EQ(directive(lines[0])["Namespace"], "Acme/Shop");
  }
  {
    ScopedEnv env{{"POWERTOOLS_SERVICE_NAME", "pt-shop"},
                  {"POWERTOOLS_METRICS_NAMESPACE", "PtNamespace"}};
    metrics::reload_config();
    auto lines = invoke([] { OrdersHandler{}.metrics().count("Orders"); });
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["service"], "pt-shop");
    EXPECT_EQ(directive(lines[0])["Namespace"], "PtNamespace");
  }
}

TEST_F(MetricsTest, EachSessionStateIsADimensionOnALineOfItsOwn) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    {
      SessionScope ohio{Session{"ohio", std::nullopt}};
      handler.metrics().count("Orders");
    }
    {
      SessionScope utah{Session{"utah", std::nullopt}};
      handler.metrics().count("Orders");
      handler.metrics().count("Orders");
    }
    handler.metrics().count("Orders");  // no state
  });
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["state"], "ohio");
  EXPECT_EQ(lines[0]["Orders"], 1);
  EXPECT_EQ(directive(lines[0])["Dimensions"], Json::parse(R"([["service","handler","state"]])"));
  EXPECT_EQ(lines[1]["state"], "utah");
  EXPECT_EQ(lines[1]["Orders"], 2);
  EXPECT_FALSE(lines[2].contains("state"));
  EXPECT_EQ(lines[2]["Orders"], 1);
  EXPECT_EQ(directive(lines[2])["Dimensions"], Json::parse(R"([["service","handler"]])"));
}

TEST_F(MetricsTest, DimensionsAndMetadataAddedInAnInvocationStayInIt) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    handler.metrics().add_dimension("Channel", "web");
    handler.metrics().add_metadata("orderId", "o-17");
    handler.metrics().add_metadata("detail", Json{{"lines", 3}});
    handler.metrics().count("Orders");
    SessionScope ohio{Session{"ohio", std::nullopt}};
    handler.metrics().count("Orders");
  });
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    EXPECT_EQ(line["Channel"], "web");
    EXPECT_EQ(line["orderId"], "o-17");
    EXPECT_EQ(line["detail"], (Json{{"lines", 3}}));
    EXPECT_EQ(directive(line)["Dimensions"][0].back(), "Channel");
  }
  auto next = invoke([] { OrdersHandler{}.metrics().count("Orders"); });
  ASSERT_EQ(next.size(), 1u);
  EXPECT_FALSE(next[0].contains("Channel"));
  EXPECT_FALSE(next[0].contains("orderId"));
  EXPECT_EQ(directive(next[0])["Dimensions"], Json::parse(R"([["service","handler"]])"));
}

TEST_F(MetricsTest, AtMostTwentySevenDimensionsOfItsOwnSoASetStaysWithinThirty) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    for (std::size_t i = 0; i < metrics::kMaxCustomDimensions; ++i)
      handler.metrics().add_dimension("d" + std::to_string(i), "v");
    handler.metrics().add_dimension("d0", "replaced");  // the same name again is no new one
    try {
      handler.metrics().add_dimension("one-too-many", "v");
      ADD_FAILURE() << "a 28th dimension was accepted";
    } catch (const ValueError& error) {
      EXPECT_NE(std::string(error.what()).find("at most 27"), std::string::npos) << error.what();
    }
    SessionScope ohio{Session{"ohio", std::nullopt}};
    handler.metrics().count("Orders");
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(directive(lines[0])["Dimensions"][0].size(), metrics::kMaxDimensions);
  EXPECT_EQ(lines[0]["d0"], "replaced");
  EXPECT_FALSE(lines[0].contains("one-too-many"));
}

TEST_F(MetricsTest, RefusesWhatCloudWatchWouldRefuse) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    const Metrics& m = handler.metrics();
    double nan = std::numeric_limits<double>::quiet_NaN();
    double inf = std::numeric_limits<double>::infinity();
    EXPECT_THROW(m.add("", 1), ValueError);
    EXPECT_THROW(m.add(std::string(256, 'x'), 1), ValueError);
    EXPECT_NO_THROW(m.add(std::string(255, 'x'), 1));
    EXPECT_THROW(m.add("Bad\nName", 1), ValueError);
    EXPECT_THROW(m.add("Bad\xff", 1), ValueError);
    EXPECT_THROW(m.add("Latency", nan), ValueError);
    EXPECT_THROW(m.add("Latency", inf), ValueError);
    EXPECT_THROW(m.gauge("Latency", -inf), ValueError);
    EXPECT_THROW(m.add("Latency", std::ldexp(1.0, 361)), ValueError);
    EXPECT_THROW(m.add("Latency", -std::ldexp(1.0, -361)), ValueError);  // too small for it
    EXPECT_NO_THROW(m.add("Latency", 0));
    EXPECT_THROW(m.add_dimension("", "v"), ValueError);
    EXPECT_THROW(m.add_dimension(":colon", "v"), ValueError);
    EXPECT_THROW(m.add_dimension("Region", ""), ValueError);
    EXPECT_THROW(m.add_dimension("Region", "   "), ValueError);
    EXPECT_THROW(m.add_dimension("Region", "caf\xc3\xa9"), ValueError);
    EXPECT_THROW(m.add_dimension("Region", std::string(1025, 'r')), ValueError);
    EXPECT_THROW(m.add_dimension("service", "other"), ValueError);  // the framework's
    EXPECT_THROW(m.add("state", 1), ValueError);                    // names a dimension
    m.add_dimension("Region", "eu");
    EXPECT_THROW(m.count("Region"), ValueError);
    m.count("Orders");
    EXPECT_THROW(m.add_dimension("Orders", "x"), ValueError);         // names a metric
    EXPECT_THROW(m.add("Orders", 1, MetricUnit::count), ValueError);  // a counter, not add
    m.add("Size", 1, MetricUnit::bytes);
    EXPECT_THROW(m.add("Size", 1, MetricUnit::kilobytes), ValueError);  // another unit
    EXPECT_THROW(m.add("Size", 1, MetricUnit::bytes, MetricResolution::high), ValueError);
    EXPECT_THROW(m.add_metadata("_aws", 1), ValueError);
    EXPECT_THROW(m.add_metadata("Region", 1), ValueError);
    EXPECT_THROW((void)m.timer("Size", MetricUnit::bytes), ValueError);  // not a unit of time
    EXPECT_THROW(m.count("Orders", std::numeric_limits<double>::max()), ValueError);
  });
  // What was accepted is still written, and valid.
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["Orders"], 1);
  EXPECT_EQ(lines[0]["Size"], 1);
  EXPECT_EQ(lines[0]["Latency"], 0);
  EXPECT_EQ(lines[0]["Region"], "eu");
  EXPECT_EQ(lines[0][std::string(255, 'x')], 1);
}

TEST_F(MetricsTest, MoreThanAHundredMetricsAreSplitOverLines) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    for (int i = 0; i < 250; ++i) handler.metrics().count("M" + std::to_string(i), i);
  });
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(directive(lines[0])["Metrics"].size(), 100u);
  EXPECT_EQ(directive(lines[1])["Metrics"].size(), 100u);
  EXPECT_EQ(directive(lines[2])["Metrics"].size(), 50u);
  std::vector<int> seen;
  for (const auto& line : lines) {
    EXPECT_EQ(line["handler"], "OrdersHandler");
    for (const auto& name : metric_names(line)) {
      int i = std::stoi(name.substr(1));
      EXPECT_EQ(line[name], i);
      seen.push_back(i);
    }
  }
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), 250u);
  for (int i = 0; i < 250; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
}

TEST_F(MetricsTest, MoreThanAHundredValuesOfOneMetricAreSplitOverLines) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    handler.metrics().count("Batches");
    for (int i = 0; i < 250; ++i) handler.metrics().add("Latency", i, MetricUnit::milliseconds);
  });
  ASSERT_EQ(lines.size(), 3u);
  std::vector<double> values;
  std::vector<std::size_t> sizes;
  for (const auto& line : lines) {
    ASSERT_TRUE(line["Latency"].is_array());
    sizes.push_back(line["Latency"].size());
    for (const auto& v : line["Latency"]) values.push_back(v.get<double>());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 50}));
  for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(values[i], double(i));
  EXPECT_EQ(lines[0]["Batches"], 1);  // the other metric, once
  EXPECT_FALSE(lines[1].contains("Batches"));
}

TEST_F(MetricsTest, LongNamesWithManyValuesAreSplitToKeepLinesWithinAnEvent) {
  warm_up();
  std::size_t before = line_count();
  auto lines = invoke([] {
    OrdersHandler handler;
    for (int m = 0; m < 100; ++m) {
      std::string name = std::to_string(m) + std::string(250, 'n');
      for (int v = 0; v < 100; ++v) handler.metrics().add(name, 1.0 / 3 + v + m * 1e-7);
    }
  });
  // 100 metrics of 100 values would make a line of about 290 kB: over CloudWatch Logs' event.
  ASSERT_EQ(lines.size(), 2u);
  std::size_t metrics_seen = 0;
  for (const auto& line : lines) {
    for (const auto& name : metric_names(line)) {
      EXPECT_EQ(line[name].size(), 100u);
      ++metrics_seen;
    }
  }
  EXPECT_EQ(metrics_seen, 100u);
  auto all = raw_lines();
  ASSERT_EQ(all.size(), before + 2);
  EXPECT_GT(all[before].size(), 100'000u) << "the first line is filled up to the budget";
  for (std::size_t i = before; i < all.size(); ++i)
    EXPECT_LE(all[i].size(), metrics::kMaxLineBytes);
}

TEST_F(MetricsTest, AFailedInvocationStillWritesItsMetrics) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler{}.metrics().count("Attempts");
    throw ValueError("refused");
  });
  EXPECT_FALSE(outcome_.ok);
  EXPECT_EQ(outcome_.error_type, "ValueError");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["Attempts"], 1);
}

TEST_F(MetricsTest, PoolTasksRecordIntoTheirInvocationUnderItsState) {
  warm_up();
  auto lines = invoke([] {
    SessionScope maine{Session{"maine", std::nullopt}};
    OrdersHandler handler;
    std::vector<std::function<void()>> tasks;
    tasks.reserve(64);
    for (int i = 0; i < 64; ++i) {
      tasks.emplace_back([&handler, i] {
        handler.metrics().count("Tasks");
        handler.metrics().add("TaskIndex", i);
      });
    }
    gather_void(tasks, 8);
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["state"], "maine");
  EXPECT_EQ(lines[0]["Tasks"], 64);
  std::vector<int> indexes = lines[0]["TaskIndex"];
  std::sort(indexes.begin(), indexes.end());
  ASSERT_EQ(indexes.size(), 64u);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(indexes[static_cast<std::size_t>(i)], i);
}

TEST_F(MetricsTest, ThreadsRecordingAtOnceLoseNothing) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;  // Metrics{} below records for it
    std::vector<std::thread> threads;
    threads.reserve(8);
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([] {
        for (int i = 0; i < 1000; ++i) Metrics{}.count("Hits");
        Metrics{}.add_metadata("thread", "any");
      });
    }
    for (auto& thread : threads) thread.join();
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["Hits"], 8000);
  EXPECT_EQ(lines[0]["handler"], "OrdersHandler");
}

TEST_F(MetricsTest, MetricsOutsideAHandlerHaveNoHandlerDimension) {
  warm_up();
  auto lines = invoke([] { Metrics{}.count("Orphans"); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(directive(lines[0])["Dimensions"], Json::parse(R"([["service"]])"));
  EXPECT_FALSE(lines[0].contains("handler"));
}

TEST_F(MetricsTest, TimersRecordTheElapsedTimeOnceEvenWhenTheWorkThrows) {
  warm_up();
  int answer = 0;
  auto lines = invoke([&] {
    OrdersHandler handler;
    const auto& m = handler.metrics();
    {
      auto timer = m.timer("SleepTime");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    answer = m.time(
        "ComputeTime", [] { return 42; }, MetricUnit::microseconds);
    EXPECT_THROW(m.time("FailingTime", [] { throw std::runtime_error("boom"); }),
                 std::runtime_error);
    auto stopped = m.timer("StoppedTime", MetricUnit::seconds);
    stopped.stop();
    stopped.stop();  // once only
    auto cancelled = m.timer("CancelledTime");
    cancelled.cancel();
  });
  EXPECT_EQ(answer, 42);
  ASSERT_EQ(lines.size(), 1u);
  const Json& line = lines[0];
  EXPECT_GE(line["SleepTime"].get<double>(), 20.0);
  EXPECT_LT(line["SleepTime"].get<double>(), 5000.0);
  EXPECT_TRUE(line["ComputeTime"].is_number());
  EXPECT_TRUE(line["FailingTime"].is_number());
  EXPECT_TRUE(line["StoppedTime"].is_number()) << "a second stop() adds no value";
  EXPECT_LT(line["StoppedTime"].get<double>(), 5.0);
  EXPECT_FALSE(line.contains("CancelledTime"));
  EXPECT_EQ(directive(line)["Metrics"][0],
            Json::parse(R"({"Name":"SleepTime","Unit":"Milliseconds"})"));
  EXPECT_EQ(directive(line)["Metrics"][1]["Unit"], "Microseconds");
  EXPECT_EQ(directive(line)["Metrics"][3]["Unit"], "Seconds");
}

TEST_F(MetricsTest, HighResolutionMetricsAreStoredPerSecond) {
  warm_up();
  auto lines = invoke(
      [] { OrdersHandler{}.metrics().add("Spike", 3, MetricUnit::count, MetricResolution::high); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(directive(lines[0])["Metrics"][0],
            Json::parse(R"({"Name":"Spike","Unit":"Count","StorageResolution":1})"));
}

TEST_F(MetricsTest, TheKillSwitchesWriteNothingNotEvenColdStart) {
  for (const char* variable : {"POWERTOOLS_METRICS_DISABLED", "AWS_HELPER_METRICS_DISABLED"}) {
    ScopedEnv env{{variable, "true"}};
    metrics::detail::reset_for_testing();
    auto lines = invoke([] {
      OrdersHandler handler;
      handler.metrics().count("Orders");
      handler.metrics().add_dimension("Channel", "web");
    });
    EXPECT_TRUE(lines.empty()) << variable;
    EXPECT_FALSE(metrics::config().enabled);
  }
  ScopedEnv env{{"AWS_HELPER_METRICS_DISABLED", "false"}};
  metrics::detail::reset_for_testing();
  EXPECT_TRUE(metrics::config().enabled);
  EXPECT_EQ(invoke([] { OrdersHandler{}.metrics().count("Orders"); }).size(), 2u);
}

TEST_F(MetricsTest, ASettingThatDoesNotParseIsAConfigurationErrorNamingIt) {
  for (auto [variable, value] : std::vector<std::pair<const char*, const char*>>{
           {"AWS_HELPER_METRICS_NAMESPACE", "AWS/Lambda"},
           {"POWERTOOLS_METRICS_NAMESPACE", ":leading-colon"},
           {"AWS_HELPER_METRICS_DISABLED", "maybe"},
           {"SERVICE_NAME", "caf\xc3\xa9"}}) {
    ScopedEnv env{{variable, value}};
    metrics::reload_config();
    try {
      (void)metrics::config();
      ADD_FAILURE() << variable << "=" << value << " was accepted";
    } catch (const ConfigurationError& error) {
      EXPECT_NE(std::string(error.what()).find(variable), std::string::npos) << error.what();
    }
    // Nothing CloudWatch would refuse is written; the log says why.
    std::size_t before = line_count();
    EXPECT_TRUE(invoke([] { OrdersHandler{}.metrics().count("Orders"); }).empty());
    bool explained = false;
    auto all = raw_lines();
    for (std::size_t i = before; i < all.size(); ++i)
      explained = explained || all[i].find("Metrics are not written") != std::string::npos;
    EXPECT_TRUE(explained) << variable;
  }
}

TEST_F(MetricsTest, SecretsInMetadataAreMaskedAsInLogLines) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    handler.metrics().add_metadata("source", "mongodb://reader:s3cret@db.example.com/orders");
    handler.metrics().count("Orders");
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["source"], "mongodb://reader:****@db.example.com/orders");
}

TEST_F(MetricsTest, AMetadataKeyAMetricAlsoUsesIsLeftOut) {
  warm_up();
  auto lines = invoke([] {
    OrdersHandler handler;
    handler.metrics().add_metadata("Orders", "a note");
    handler.metrics().count("Orders");
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["Orders"], 1);
}

TEST_F(MetricsTest, FlushWritesWhatIsRecordedSoFarAndKeepsTheInvocationsDimensions) {
  warm_up();
  std::size_t during = 0;
  auto lines = invoke([&] {
    std::size_t start = line_count();
    OrdersHandler handler;
    handler.metrics().add_dimension("Region", "eu");
    handler.metrics().count("Rows", 10);
    metrics::flush();
    during = emf_lines(start).size();
    handler.metrics().count("Rows", 5);
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["Rows"], 10);
  EXPECT_EQ(lines[1]["Rows"], 5);
  EXPECT_EQ(lines[1]["Region"], "eu");
  EXPECT_EQ(during, 1u) << "flush() writes before the invocation ends";
}

TEST_F(MetricsTest, AGroupHoldingTooManyValuesIsWrittenBeforeTheInvocationEnds) {
  warm_up();
  std::size_t during = 0;
  auto lines = invoke([&] {
    std::size_t start = line_count();
    OrdersHandler handler;
    for (std::size_t i = 0; i < metrics::kEarlyFlushValues; ++i)
      handler.metrics().add("Sample", static_cast<double>(i));
    during = emf_lines(start).size();
    handler.metrics().add("Sample", -1);
  });
  EXPECT_EQ(during, metrics::kEarlyFlushValues / metrics::kMaxValuesPerMetric);
  ASSERT_EQ(lines.size(), metrics::kEarlyFlushValues / metrics::kMaxValuesPerMetric + 1);
  EXPECT_EQ(lines.back()["Sample"], -1);
}

TEST(MetricUnitTest, NamesAreCloudWatchs) {
  EXPECT_EQ(to_string(MetricUnit::seconds), "Seconds");
  EXPECT_EQ(to_string(MetricUnit::count), "Count");
  EXPECT_EQ(to_string(MetricUnit::bytes_per_second), "Bytes/Second");
  EXPECT_EQ(to_string(MetricUnit::count_per_second), "Count/Second");
  EXPECT_EQ(to_string(MetricUnit::none), "None");
  for (int u = 0; u <= static_cast<int>(MetricUnit::none); ++u) {
    EXPECT_EQ(testing::emf_units().count(std::string(to_string(static_cast<MetricUnit>(u)))), 1u)
        << u;
  }
}

}  // namespace
}  // namespace aws_helper
