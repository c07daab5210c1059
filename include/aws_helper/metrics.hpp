// CloudWatch metrics in the Embedded Metric Format (EMF): what a handler counts, measures and
// times becomes CloudWatch metrics with no API call and no agent. At the end of each invocation
// the framework writes them as JSON lines on stdout, which CloudWatch Logs turns into metrics.
//
//   class OrdersConsumer : public aws_helper::SQSConsumer {
//     void process_record(const aws_helper::Json& record) override {
//       auto timer = metrics().timer("SaveOrderTime");       // Milliseconds, when it ends
//       save(record);
//       metrics().count("OrdersProcessed");                  // summed over the invocation
//       metrics().add("OrderLines", lines, Unit::count);     // one value per call
//       metrics().gauge("QueueLag", lag_s, Unit::seconds);   // the last value wins
//     }
//   };
//
// Every metric carries the dimensions service (SERVICE_NAME, POWERTOOLS_SERVICE_NAME, else the
// service's own name), handler (the handler's class) and state (the session's state, when there
// is one), plus those given to add_dimension(). Metrics recorded under different states go to
// separate lines, since one EMF line has one value per dimension. Recording is thread-safe:
// gather() tasks may record through the handler's metrics(). The first invocation of a process
// also writes a ColdStart metric. Environment, limits and costs: docs/metrics.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <aws_helper/json.hpp>

namespace aws_helper {

// CloudWatch's units (MetricDatum's StandardUnit).
enum class MetricUnit {
  seconds,
  microseconds,
  milliseconds,
  bytes,
  kilobytes,
  megabytes,
  gigabytes,
  terabytes,
  bits,
  kilobits,
  megabits,
  gigabits,
  terabits,
  percent,
  count,
  bytes_per_second,
  kilobytes_per_second,
  megabytes_per_second,
  gigabytes_per_second,
  terabytes_per_second,
  bits_per_second,
  kilobits_per_second,
  megabits_per_second,
  gigabits_per_second,
  terabits_per_second,
  count_per_second,
  none,
};

// CloudWatch's name of the unit: "Milliseconds", "Count/Second", "None".
[[nodiscard]] std::string_view to_string(MetricUnit unit) noexcept;

// Standard metrics are stored per minute; high-resolution ones per second (and cost more).
enum class MetricResolution { standard, high };

class MetricTimer;

// Records metrics for the current invocation. A handler's metrics() is one of these, named
// after its class; Metrics{} elsewhere (a repository, a helper) records for the handler the
// invocation runs. The methods are const, as Logger's: they write to the invocation's record,
// not to this object. Invalid input (an empty or over-long name, a NaN or infinite value, a
// name recorded with another unit or kind, a 31st dimension) throws ValueError: a metric
// CloudWatch would refuse is a bug to find in tests, not a gap to find in a dashboard.
class Metrics {
 public:
  explicit Metrics(std::string handler = {}) : handler_(std::move(handler)) {}

  // Appends a value: several calls with one name give one metric with a values array.
  void add(std::string_view name, double value, MetricUnit unit = MetricUnit::none,
           MetricResolution resolution = MetricResolution::standard) const;
  // A counter (unit Count): calls add up to one value per invocation.
  void count(std::string_view name, double amount = 1) const;
  // A level: the last value recorded in the invocation is the one written.
  void gauge(std::string_view name, double value, MetricUnit unit = MetricUnit::none) const;

  // Times a scope: `auto t = metrics().timer("QueryTime");` records the elapsed time when t
  // ends (or at t.stop()), in milliseconds unless told otherwise.
  [[nodiscard]] MetricTimer timer(std::string name,
                                  MetricUnit unit = MetricUnit::milliseconds) const;
  // Runs fn() and records how long it took, also when it throws; returns what fn returns.
  template <class F>
  decltype(auto) time(std::string_view name, F&& fn,
                      MetricUnit unit = MetricUnit::milliseconds) const;

  // A dimension added to every metric of the invocation (besides service, handler, state).
  // At most 27, so that a dimension set stays within CloudWatch's 30; the same name again
  // replaces the value. Keep values low-cardinality: each distinct value is a new metric.
  void add_dimension(std::string_view name, std::string_view value) const;
  // A property of the invocation's EMF lines that is not a metric (an order id, a trace of what
  // happened), for CloudWatch Logs Insights; any JSON value.
  void add_metadata(std::string_view key, Json value) const;

  // The handler class these metrics are recorded for ("" for the invocation's).
  [[nodiscard]] const std::string& handler() const noexcept { return handler_; }

 private:
  std::string handler_;
};

// Records the time since it was made, once: at stop() or when it ends, unless cancel()led.
class MetricTimer {
 public:
  MetricTimer(Metrics metrics, std::string name, MetricUnit unit);
  ~MetricTimer();
  MetricTimer(MetricTimer&& other) noexcept;
  MetricTimer& operator=(MetricTimer&&) = delete;
  MetricTimer(const MetricTimer&) = delete;
  MetricTimer& operator=(const MetricTimer&) = delete;

  // Records now; later calls and the end of the timer do nothing.
  void stop();
  // Records nothing.
  void cancel() noexcept { done_ = true; }

 private:
  Metrics metrics_;
  std::string name_;
  MetricUnit unit_;
  std::chrono::steady_clock::time_point start_;
  bool done_ = false;
};

template <class F>
decltype(auto) Metrics::time(std::string_view name, F&& fn, MetricUnit unit) const {
  MetricTimer scope = timer(std::string(name), unit);
  return std::forward<F>(fn)();
}

namespace metrics {

// At most this many metrics per EMF line and values per metric per line (the specification's
// limits); more are split over several lines.
inline constexpr std::size_t kMaxMetricsPerLine = 100;
inline constexpr std::size_t kMaxValuesPerMetric = 100;
// A line's metrics stay within this many bytes (a CloudWatch Logs event is at most 256 KB in
// the specification), counting each value at its longest; more go to the next line.
inline constexpr std::size_t kMaxLineBytes = std::size_t{200} * 1024;
// CloudWatch's limit of dimensions in a dimension set, of which the framework's are 3.
inline constexpr std::size_t kMaxDimensions = 30;
inline constexpr std::size_t kMaxCustomDimensions = kMaxDimensions - 3;
// A group of metrics holding this many values is written at once rather than at the end of
// the invocation, so a loop that records without end cannot exhaust memory.
inline constexpr std::size_t kEarlyFlushValues = 10000;

struct Config {
  bool enabled = true;
  std::string namespace_name;  // the EMF Namespace
  std::string service;         // the service dimension
};

// The settings, read from the environment on first use: AWS_HELPER_METRICS_DISABLED or
// POWERTOOLS_METRICS_DISABLED (true/1/yes/on) switch metrics off; the namespace is
// AWS_HELPER_METRICS_NAMESPACE, else POWERTOOLS_METRICS_NAMESPACE, else the service name.
// A namespace CloudWatch would refuse is a ConfigurationError naming the variable.
[[nodiscard]] Config config();
// Reads the environment again (tests).
void reload_config();
// The service's own name, the service dimension's fallback (the bootstrap sets it).
void set_default_service(std::string_view name);

// Writes what has been recorded so far, one EMF line per group of up to 100 metrics, and
// empties the record. The runtime calls it after every invocation and after a Fargate task;
// a long task may call it to publish as it goes. Never throws: a line that cannot be made is
// logged and dropped.
void flush() noexcept;

namespace detail {
// The handler the framework is about to run (HandlerBase names it): the dimension of metrics
// recorded through Metrics{} and of ColdStart.
void begin_handler(std::string_view class_name);
// The end of a Lambda invocation: ColdStart on the first one of the process, then flush();
// the invocation's dimensions and metadata are forgotten.
void end_invocation() noexcept;
// The end of a Fargate task: flush() (a task is no Lambda cold start), forgetting the same.
void end_task() noexcept;
// Forgets what is recorded and makes the next invocation a cold start again (tests).
void reset_for_testing();
}  // namespace detail

}  // namespace metrics
}  // namespace aws_helper
