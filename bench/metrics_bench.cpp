// What CloudWatch metrics cost an invocation: recording N metrics in a handler and writing
// their EMF line at the end of runtime::invoke_once, against the same invocation recording
// nothing. Lines go to a sink that only counts their bytes, so the figures are the framework's
// work (record, render, redact) without the write to stdout.
//
//   Invocation/0        invoke_once of a handler that records nothing (the floor)
//   Invocation/N        the same handler counting N distinct metrics: one EMF line
//   InvocationValues    100 values of one metric (a values array), one line
//   InvocationDisabled  100 metrics with POWERTOOLS_METRICS_DISABLED=true
//   EndInvocation       the metrics layer's part of an invocation that recorded nothing
//   Count               one count() call, the line left to the end
//
// Run: build/bench/metrics_bench [--benchmark_repetitions=5 --benchmark_report_aggregates_only]
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <aws_helper/handler.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/runtime.hpp>

namespace {

using aws_helper::Metrics;
using aws_helper::MetricUnit;
namespace runtime = aws_helper::runtime;
namespace metrics = aws_helper::metrics;

class BenchHandler : public aws_helper::HandlerBase {
 public:
  BenchHandler() : HandlerBase("handler") { name_logger("BenchHandler"); }
};

std::size_t bytes_written = 0;

void counting_sink(std::string_view line, void* /*user*/) {
  bytes_written += line.size();
}

std::vector<std::string> metric_names(std::size_t count) {
  std::vector<std::string> names;
  names.reserve(count);
  for (std::size_t i = 0; i < count; ++i) names.push_back("OrdersMetric" + std::to_string(i));
  return names;
}

runtime::InvocationRequest request() {
  runtime::InvocationRequest out;
  out.payload = "{}";
  out.context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
  return out;
}

// A warm process: the sink in place, the cold start used up.
void warm_up() {
  aws_helper::log::set_sink(counting_sink, nullptr);
  metrics::detail::reset_for_testing();
  metrics::set_default_service("orders");
  (void)runtime::invoke_once([](const runtime::InvocationRequest&) { return std::string("{}"); },
                             request());
}

void Invocation(benchmark::State& state) {
  warm_up();
  auto names = metric_names(static_cast<std::size_t>(state.range(0)));
  runtime::Handler handler = [&names](const runtime::InvocationRequest&) {
    BenchHandler bench;
    for (const auto& name : names) bench.metrics().count(name);
    return std::string("{}");
  };
  auto in = request();
  bytes_written = 0;
  for (auto _ : state) benchmark::DoNotOptimize(runtime::invoke_once(handler, in));
  state.counters["line_bytes"] =
      benchmark::Counter(static_cast<double>(bytes_written), benchmark::Counter::kAvgIterations);
}
BENCHMARK(Invocation)->Arg(0)->Arg(1)->Arg(10)->Arg(100);

void InvocationValues(benchmark::State& state) {
  warm_up();
  runtime::Handler handler = [](const runtime::InvocationRequest&) {
    BenchHandler bench;
    for (int i = 0; i < 100; ++i) bench.metrics().add("Latency", 0.5 * i, MetricUnit::milliseconds);
    return std::string("{}");
  };
  auto in = request();
  for (auto _ : state) benchmark::DoNotOptimize(runtime::invoke_once(handler, in));
}
BENCHMARK(InvocationValues);

void InvocationDisabled(benchmark::State& state) {
  ::setenv("POWERTOOLS_METRICS_DISABLED", "true", 1);  // NOLINT(concurrency-mt-unsafe)
  warm_up();
  auto names = metric_names(100);
  runtime::Handler handler = [&names](const runtime::InvocationRequest&) {
    BenchHandler bench;
    for (const auto& name : names) bench.metrics().count(name);
    return std::string("{}");
  };
  auto in = request();
  for (auto _ : state) benchmark::DoNotOptimize(runtime::invoke_once(handler, in));
  ::unsetenv("POWERTOOLS_METRICS_DISABLED");  // NOLINT(concurrency-mt-unsafe)
  metrics::reload_config();
}
BENCHMARK(InvocationDisabled);

void EndInvocation(benchmark::State& state) {
  warm_up();
  for (auto _ : state) metrics::detail::end_invocation();
}
BENCHMARK(EndInvocation);

void Count(benchmark::State& state) {
  warm_up();
  Metrics recorder{"BenchHandler"};
  for (auto _ : state) recorder.count("OrdersProcessed");
  metrics::flush();
}
BENCHMARK(Count);

}  // namespace

BENCHMARK_MAIN();
