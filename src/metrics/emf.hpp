// The Embedded Metric Format lines of one flush, from what the invocation recorded (private to
// the metrics layer). Kept apart from the record so that rendering, the costly part, runs
// outside the record's lock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <aws_helper/json.hpp>
#include <aws_helper/metrics.hpp>

namespace aws_helper::metrics::emf {

// How repeated records of one name combine: appended, summed, or replaced.
enum class Kind { value, counter, gauge };

struct Metric {
  std::string name;
  MetricUnit unit = MetricUnit::none;
  MetricResolution resolution = MetricResolution::standard;
  Kind kind = Kind::value;
  std::vector<double> values;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

// The metrics of one dimension set: one handler under one state ("" for no state).
struct Group {
  std::string handler;
  std::string state;
  std::vector<Metric> metrics;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> index;
  std::size_t values = 0;
};

using Dimensions = std::vector<std::pair<std::string, std::string>>;

// Everything one flush writes, taken out of the record.
struct Batch {
  Config config;
  std::vector<Group> groups;
  Dimensions dimensions;  // add_dimension(), for every group
  Json metadata = Json::object();
  std::optional<std::string> cold_start_handler;  // set: a ColdStart line first
  std::string function_name;
  std::string request_id;
  std::string trace_id;
  std::int64_t timestamp_ms = 0;
};

// The lines of the batch: ColdStart's, then per group as many as its metrics and values need
// (at most kMaxMetricsPerLine metrics and kMaxValuesPerMetric values of each per line).
[[nodiscard]] std::vector<std::string> render(const Batch& batch);

// Appends `text` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace aws_helper::metrics::emf
