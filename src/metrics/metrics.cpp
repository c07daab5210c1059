#include <algorithm>
#include <cmath>
#include <iterator>
#include <mutex>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"
#include "metrics/emf.hpp"

namespace aws_helper {

std::string_view to_string(MetricUnit unit) noexcept {
  static constexpr std::string_view kNames[] = {"Seconds",
                                                "Microseconds",
                                                "Milliseconds",
                                                "Bytes",
                                                "Kilobytes",
                                                "Megabytes",
                                                "Gigabytes",
                                                "Terabytes",
                                                "Bits",
                                                "Kilobits",
                                                "Megabits",
                                                "Gigabits",
                                                "Terabits",
                                                "Percent",
                                                "Count",
                                                "Bytes/Second",
                                                "Kilobytes/Second",
                                                "Megabytes/Second",
                                                "Gigabytes/Second",
                                                "Terabytes/Second",
                                                "Bits/Second",
                                                "Kilobits/Second",
                                                "Megabits/Second",
                                                "Gigabits/Second",
                                                "Terabits/Second",
                                                "Count/Second",
                                                "None"};
  auto index = static_cast<std::size_t>(unit);
  return index < std::size(kNames) ? kNames[index] : "None";
}

namespace metrics {
namespace {

using emf::Kind;

constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kMaxDimensionValueBytes = 1024;
// CloudWatch refuses values beyond ±2^360 and, but for 0, below ±2^-360 (MetricDatum's Value).
const double kMaxMagnitude = std::ldexp(1.0, 360);
const double kMinMagnitude = std::ldexp(1.0, -360);
constexpr std::string_view kReservedKeys[] = {"_aws", "service", "handler", "state"};

const Logger& logger() {
  static const Logger instance{"aws_helper.metrics"};
  return instance;
}

// What the process has recorded since the last flush, shared by every thread: Lambda runs one
// invocation at a time per process, and gather() tasks record into their invocation's.
struct Record {
  std::mutex mutex;
  std::optional<Config> config;
  std::string config_error;  // set: nothing is written, and config() throws it
  std::string default_service;
  std::vector<emf::Group> groups;
  emf::Dimensions dimensions;
  Json metadata = Json::object();
  std::string handler;
  bool cold_start = true;
};

// Never destroyed: pool threads may still record while the process exits.
Record& record() {
  static auto* instance = new Record;
  return *instance;
}

// --- checks -------------------------------------------------------------------------------

bool is_reserved(std::string_view key) {
  return std::find(std::begin(kReservedKeys), std::end(kReservedKeys), key) !=
         std::end(kReservedKeys);
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// CloudWatch's rule for dimension names and values: printable ASCII, not only white space.
bool printable_ascii(std::string_view text) {
  bool visible = false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e) return false;
    visible = visible || byte != ' ';
  }
  return visible;
}

void check_name(std::string_view what, std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    throw ValueError(fmt::format("A {} must be 1 to {} bytes long; got {} bytes", what,
                                 kMaxNameBytes, name.size()));
  }
  if (!valid_utf8(name) || has_control(name)) {
    throw ValueError(fmt::format("The {} '{}' must be UTF-8 text without control characters", what,
                                 excerpt(name)));
  }
}

void check_value(std::string_view name, double value) {
  double magnitude = std::fabs(value);
  if (!std::isfinite(value) || magnitude > kMaxMagnitude ||
      (magnitude != 0 && magnitude < kMinMagnitude)) {
    throw ValueError(fmt::format(
        "The value of metric '{}' must be 0 or a finite number of magnitude 2^-360 to 2^360 "
        "(CloudWatch refuses others)",
        excerpt(name)));
  }
}

// Empty when `value` can be the value of dimension `name`, else why not.
std::string dimension_value_problem(std::string_view name, std::string_view value) {
  if (value.empty() || value.size() > kMaxDimensionValueBytes || !printable_ascii(value)) {
    return fmt::format(
        "The value of dimension '{}' must be 1 to {} bytes of printable ASCII, not only spaces",
        excerpt(name), kMaxDimensionValueBytes);
  }
  return {};
}

void check_dimension(std::string_view name, std::string_view value) {
  if (name.empty() || name.size() > kMaxNameBytes || !printable_ascii(name) || name[0] == ':') {
    throw ValueError(fmt::format(
        "A dimension name must be 1 to {} bytes of printable ASCII, not only spaces, not "
        "starting with ':'; got '{}'",
        kMaxNameBytes, excerpt(name)));
  }
  if (auto problem = dimension_value_problem(name, value); !problem.empty())
    throw ValueError(problem);
}

// --- configuration ------------------------------------------------------------------------

// The first of the variables that is set and not empty, with its name.
std::pair<const char*, std::string> first_set(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = get_env(name); value && !value->empty()) return {name, *value};
  }
  return {nullptr, {}};
}

// Empty when `text` can be a CloudWatch namespace, else why not.
std::string namespace_problem(std::string_view text) {
  if (text.empty() || text.size() > kMaxNameBytes || !printable_ascii(text) || text[0] == ':' ||
      text.substr(0, 4) == "AWS/") {
    return fmt::format(
        "'{}' cannot be a CloudWatch namespace: 1 to 255 printable ASCII characters, not "
        "starting with ':' or 'AWS/'",
        excerpt(text));
  }
  return {};
}

Config load_config(const std::string& default_service, std::string& error) {
  Config config;
  for (const char* name : {"AWS_HELPER_METRICS_DISABLED", "POWERTOOLS_METRICS_DISABLED"}) {
    std::string value = aws_helper::detail::lower(aws_helper::detail::trim(get_env_or(name, "")));
    if (value == "true" || value == "1" || value == "yes" || value == "on") {
      config.enabled = false;
    } else if (!value.empty() && value != "false" && value != "0" && value != "no" &&
               value != "off") {
      error = fmt::format("{} must be true or false, not '{}'", name, excerpt(value));
    }
  }
  auto [service_variable, service] = first_set({"SERVICE_NAME", "POWERTOOLS_SERVICE_NAME"});
  if (service.empty()) service = default_service.empty() ? "service_undefined" : default_service;
  if (auto problem = dimension_value_problem("service", service);
      !problem.empty() && error.empty()) {
    error = service_variable ? fmt::format("{}: {}", service_variable, problem) : problem;
  }
  config.service = service;
  auto [namespace_variable, name] =
      first_set({"AWS_HELPER_METRICS_NAMESPACE", "POWERTOOLS_METRICS_NAMESPACE"});
  config.namespace_name = name.empty() ? service : name;
  if (auto problem = namespace_problem(config.namespace_name); !problem.empty() && error.empty()) {
    error = namespace_variable ? fmt::format("{}: {}", namespace_variable, problem)
                               : problem + "; set AWS_HELPER_METRICS_NAMESPACE";
  }
  return config;
}

const Config& loaded(Record& r) {
  if (!r.config) {
    r.config_error.clear();
    r.config = load_config(r.default_service, r.config_error);
  }
  return *r.config;
}

// --- recording ----------------------------------------------------------------------------

emf::Group& group_for(Record& r, const std::string& handler, std::string_view state) {
  for (auto& group : r.groups) {
    if (group.handler == handler && group.state == state) return group;
  }
  if (!state.empty()) {
    if (auto problem = dimension_value_problem("state", state); !problem.empty())
      throw ValueError(problem);
  }
  auto& group = r.groups.emplace_back();
  group.handler = handler;
  group.state = state;
  return group;
}

emf::Batch snapshot(Record& r, bool clear_invocation);
void write(const emf::Batch& batch) noexcept;

// Under the lock: the metric `name` of the group, made on first use; refuses a second unit or
// kind for one name, which CloudWatch cannot hold in one metric.
emf::Metric& metric_for(Record& r, emf::Group& group, std::string_view name, MetricUnit unit,
                        MetricResolution resolution, Kind kind) {
  if (auto found = group.index.find(name); found != group.index.end()) {
    auto& metric = group.metrics[found->second];
    if (metric.unit != unit || metric.kind != kind || metric.resolution != resolution) {
      throw ValueError(fmt::format(
          "Metric '{}' is already recorded in this invocation with another unit, resolution or "
          "kind (add, count, gauge)",
          excerpt(name)));
    }
    return metric;
  }
  if (is_reserved(name) || std::any_of(r.dimensions.begin(), r.dimensions.end(),
                                       [&](const auto& d) { return d.first == name; })) {
    throw ValueError(
        fmt::format("'{}' names a dimension; it cannot also name a metric", excerpt(name)));
  }
  group.index.emplace(std::string(name), group.metrics.size());
  auto& metric = group.metrics.emplace_back();
  metric.name = std::string(name);
  metric.unit = unit;
  metric.resolution = resolution;
  metric.kind = kind;
  return metric;
}

void record_value(const std::string& handler, std::string_view name, double value, MetricUnit unit,
                  MetricResolution resolution, Kind kind) {
  check_name("metric name", name);
  check_value(name, value);
  const auto& state = get_session().state();
  std::string_view state_value = state ? std::string_view(*state) : std::string_view();
  std::optional<emf::Batch> early;
  {
    auto& r = record();
    std::lock_guard lock(r.mutex);
    if (!loaded(r).enabled) return;
    auto& group = group_for(r, handler.empty() ? r.handler : handler, state_value);
    auto& metric = metric_for(r, group, name, unit, resolution, kind);
    if (kind == Kind::value || metric.values.empty()) {
      metric.values.push_back(value);
      ++group.values;
    } else if (kind == Kind::counter) {
      double sum = metric.values.front() + value;
      check_value(name, sum);
      metric.values.front() = sum;
    } else {
      metric.values.front() = value;
    }
    if (group.values >= kEarlyFlushValues) {
      // Written now, from this thread (dropped if the settings are wrong, as flush() would);
      // the invocation's later values start a new group.
      auto at = std::find_if(r.groups.begin(), r.groups.end(),
                             [](const emf::Group& g) { return g.values >= kEarlyFlushValues; });
      if (r.config_error.empty()) {
        early = snapshot(r, false);
        early->groups.push_back(std::move(*at));
      }
      r.groups.erase(at);
    }
  }
  if (early) write(*early);
}

// --- flushing -----------------------------------------------------------------------------

// Under the lock: what a batch of the record's groups carries besides them. Dimensions and
// metadata stay for the rest of the invocation unless it ends (`clear_invocation`).
emf::Batch snapshot(Record& r, bool clear_invocation) {
  emf::Batch batch;
  batch.config = loaded(r);
  batch.dimensions = r.dimensions;
  batch.metadata = r.metadata;
  if (clear_invocation) {
    r.dimensions.clear();
    r.metadata.clear();
  }
  batch.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const auto& tags = aws_helper::detail::request_tags();
  batch.request_id = tags.request_id;
  batch.trace_id = tags.trace_id;
  return batch;
}

void write(const emf::Batch& batch) noexcept {
  try {
    if (!batch.config.enabled || (batch.groups.empty() && !batch.cold_start_handler)) return;
    for (const auto& text : emf::render(batch)) log::write_raw(text);
  } catch (const std::exception& error) {
    logger().error("Metrics could not be written: {}", error.what());
  }
}

void flush_record(bool end_of_invocation, bool cold_start_eligible) noexcept {
  std::optional<emf::Batch> batch;
  std::string error;
  try {
    auto& r = record();
    std::lock_guard lock(r.mutex);
    if (r.groups.empty() && !(cold_start_eligible && r.cold_start)) {
      // The common case of an invocation that recorded nothing: no line, nothing to take.
      if (end_of_invocation) {
        r.dimensions.clear();
        r.metadata.clear();
        r.handler.clear();
      }
      return;
    }
    batch = snapshot(r, end_of_invocation);
    batch->groups = std::move(r.groups);
    r.groups.clear();
    error = r.config_error;
    if (cold_start_eligible && std::exchange(r.cold_start, false) && error.empty()) {
      batch->cold_start_handler = r.handler;
      batch->function_name = get_env_or("AWS_LAMBDA_FUNCTION_NAME", "");
    }
    if (end_of_invocation) r.handler.clear();
  } catch (const std::exception& failure) {
    error = failure.what();
  }
  if (!error.empty()) {
    logger().error("Metrics are not written: {}", error);
    return;
  }
  if (batch) write(*batch);
}

}  // namespace

// --- public ---------------------------------------------------------------------------------

Config config() {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  Config copy = loaded(r);
  if (!r.config_error.empty()) throw ConfigurationError(r.config_error);
  return copy;
}

void reload_config() {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.config.reset();
}

void set_default_service(std::string_view name) {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  if (r.default_service == name) return;
  r.default_service = std::string(name);
  r.config.reset();
}

void flush() noexcept {
  flush_record(false, false);
}

namespace detail {

void begin_handler(std::string_view class_name) {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.handler = std::string(class_name);
}

void end_invocation() noexcept {
  flush_record(true, true);
}

void end_task() noexcept {
  flush_record(true, false);
}

void reset_for_testing() {
  auto& r = record();
  std::lock_guard lock(r.mutex);
  r.groups.clear();
  r.dimensions.clear();
  r.metadata.clear();
  r.handler.clear();
  r.cold_start = true;
  r.config.reset();
}

}  // namespace detail
}  // namespace metrics

// --- Metrics --------------------------------------------------------------------------------

void Metrics::add(std::string_view name, double value, MetricUnit unit,
                  MetricResolution resolution) const {
  metrics::record_value(handler_, name, value, unit, resolution, metrics::emf::Kind::value);
}

void Metrics::count(std::string_view name, double amount) const {
  metrics::record_value(handler_, name, amount, MetricUnit::count, MetricResolution::standard,
                        metrics::emf::Kind::counter);
}

void Metrics::gauge(std::string_view name, double value, MetricUnit unit) const {
  metrics::record_value(handler_, name, value, unit, MetricResolution::standard,
                        metrics::emf::Kind::gauge);
}

MetricTimer Metrics::timer(std::string name, MetricUnit unit) const {
  return MetricTimer{*this, std::move(name), unit};
}

void Metrics::add_dimension(std::string_view name, std::string_view value) const {
  metrics::check_dimension(name, value);
  if (metrics::is_reserved(name)) {
    throw ValueError(
        fmt::format("The dimension '{}' is the framework's; it cannot be added", excerpt(name)));
  }
  auto& r = metrics::record();
  std::lock_guard lock(r.mutex);
  if (!metrics::loaded(r).enabled) return;
  for (const auto& group : r.groups) {
    if (group.index.count(name) != 0) {
      throw ValueError(
          fmt::format("'{}' names a metric; it cannot also name a dimension", excerpt(name)));
    }
  }
  if (r.metadata.contains(name)) r.metadata.erase(std::string(name));
  for (auto& [key, existing] : r.dimensions) {
    if (key == name) {
      existing = std::string(value);
      return;
    }
  }
  if (r.dimensions.size() >= metrics::kMaxCustomDimensions) {
    throw ValueError(fmt::format(
        "Dimension '{}' refused: an invocation has at most {} dimensions of its own besides "
        "service, handler and state (CloudWatch allows {} per metric)",
        excerpt(name), metrics::kMaxCustomDimensions, metrics::kMaxDimensions));
  }
  r.dimensions.emplace_back(std::string(name), std::string(value));
}

void Metrics::add_metadata(std::string_view key, Json value) const {
  metrics::check_name("metadata key", key);
  if (key == "_aws") throw ValueError("'_aws' is the EMF metadata; it cannot name metadata");
  auto& r = metrics::record();
  std::lock_guard lock(r.mutex);
  if (!metrics::loaded(r).enabled) return;
  if (metrics::is_reserved(key) || std::any_of(r.dimensions.begin(), r.dimensions.end(),
                                               [&](const auto& d) { return d.first == key; })) {
    throw ValueError(
        fmt::format("'{}' names a dimension; it cannot also name metadata", excerpt(key)));
  }
  r.metadata[std::string(key)] = std::move(value);
}

// --- MetricTimer ----------------------------------------------------------------------------

MetricTimer::MetricTimer(Metrics metrics, std::string name, MetricUnit unit)
    : metrics_(std::move(metrics)),
      name_(std::move(name)),
      unit_(unit),
      start_(std::chrono::steady_clock::now()) {
  // Checked here, since the destructor cannot throw.
  metrics::check_name("metric name", name_);
  if (unit_ != MetricUnit::seconds && unit_ != MetricUnit::milliseconds &&
      unit_ != MetricUnit::microseconds) {
    throw ValueError(
        fmt::format("Timer '{}' needs a unit of time, not {}", excerpt(name_), to_string(unit_)));
  }
}

MetricTimer::MetricTimer(MetricTimer&& other) noexcept
    : metrics_(std::move(other.metrics_)),
      name_(std::move(other.name_)),
      unit_(other.unit_),
      start_(other.start_),
      done_(std::exchange(other.done_, true)) {}

MetricTimer::~MetricTimer() {
  if (done_) return;
  try {
    stop();
  } catch (const std::exception& error) {
    // Another unit or kind under this name: reported, since a destructor cannot throw.
    metrics::logger().error("Timer '{}' not recorded: {}", excerpt(name_), error.what());
  }
}

void MetricTimer::stop() {
  if (std::exchange(done_, true)) return;
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  double scale = unit_ == MetricUnit::milliseconds   ? 1e3
                 : unit_ == MetricUnit::microseconds ? 1e6
                                                     : 1.0;
  metrics_.add(name_, elapsed.count() * scale, unit_);
}

}  // namespace aws_helper
