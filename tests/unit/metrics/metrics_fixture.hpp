// What the metrics tests share: a handler as the framework runs one, and invocations run the
// way the Lambda runtime runs them (runtime::invoke_once), their EMF lines captured through the
// log sink and each checked against the specification.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <aws_helper/handler.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/runtime.hpp>

#include "support/scoped_env.hpp"
#include "unit/metrics/emf_checker.hpp"

namespace aws_helper::testing {

// Named when made, as Lambda::begin, API and SQSConsumer::run name theirs.
class OrdersHandler : public HandlerBase {
 public:
  OrdersHandler() : HandlerBase("handler") { name_logger("OrdersHandler"); }
};

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.emplace(ScopedEnv::Values{{"SERVICE_NAME", std::nullopt},
                                   {"POWERTOOLS_SERVICE_NAME", std::nullopt},
                                   {"AWS_HELPER_METRICS_NAMESPACE", std::nullopt},
                                   {"POWERTOOLS_METRICS_NAMESPACE", std::nullopt},
                                   {"AWS_HELPER_METRICS_DISABLED", std::nullopt},
                                   {"POWERTOOLS_METRICS_DISABLED", std::nullopt},
                                   {"AWS_LAMBDA_FUNCTION_NAME", std::nullopt}});
    metrics::set_default_service("orders");
    metrics::detail::reset_for_testing();
    log::set_sink(&MetricsTest::capture, this);
  }
  void TearDown() override {
    log::set_sink(nullptr, nullptr);
    env_.reset();
    metrics::detail::reset_for_testing();
  }

  // Runs `body` as one invocation and returns the EMF lines written from its start to its end.
  std::vector<Json> invoke(const std::function<void()>& body,
                           const std::string& request_id = "req-1",
                           const std::string& trace_id = "") {
    runtime::InvocationRequest request;
    request.context.request_id = request_id;
    request.context.trace_id = trace_id;
    std::size_t before = line_count();
    outcome_ = runtime::invoke_once(
        [&](const runtime::InvocationRequest&) {
          body();
          return std::string("{}");
        },
        request);
    return emf_lines(before);
  }
  // An invocation that uses up the process's cold start.
  void warm_up() {
    (void)invoke([] {});
  }

  std::size_t line_count() {
    std::lock_guard lock(mutex_);
    return lines_.size();
  }
  // The EMF lines captured after the first `from`, each checked against the specification.
  std::vector<Json> emf_lines(std::size_t from = 0) {
    std::lock_guard lock(mutex_);
    std::vector<Json> out;
    for (std::size_t i = from; i < lines_.size(); ++i) {
      if (lines_[i].rfind(R"({"_aws")", 0) != 0) continue;
      Json doc = Json::parse(lines_[i]);
      for (const auto& problem : emf_problems(doc)) ADD_FAILURE() << problem << "\n" << lines_[i];
      out.push_back(std::move(doc));
    }
    return out;
  }
  std::vector<std::string> raw_lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  // The one directive of an EMF line.
  static const Json& directive(const Json& line) { return line["_aws"]["CloudWatchMetrics"][0]; }
  static std::vector<std::string> metric_names(const Json& line) {
    std::vector<std::string> names;
    for (const auto& metric : directive(line)["Metrics"]) names.push_back(metric["Name"]);
    return names;
  }

  runtime::InvocationResult outcome_;

 private:
  static void capture(std::string_view line, void* user) {
    auto* self = static_cast<MetricsTest*>(user);
    std::lock_guard lock(self->mutex_);
    self->lines_.emplace_back(line);
  }

  std::optional<ScopedEnv> env_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace aws_helper::testing
