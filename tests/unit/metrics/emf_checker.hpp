// The rules of the CloudWatch Embedded Metric Format specification, checked on a parsed line:
// what tests/fixtures/emf/emf.schema.json says, plus what a JSON Schema cannot (each metric
// and dimension a directive names is a top-level member of the right type).
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <aws_helper/json.hpp>

namespace aws_helper::testing {

inline const std::set<std::string>& emf_units() {
  static const std::set<std::string> units = {"Seconds",
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
  return units;
}

inline bool emf_name(const Json& value) {
  return value.is_string() && !value.get<std::string>().empty() &&
         value.get<std::string>().size() <= 255;
}

inline bool only_members(const Json& object, const std::set<std::string>& allowed) {
  for (const auto& [key, value] : object.items()) {
    if (allowed.count(key) == 0) return false;
  }
  return true;
}

inline void check_directive(const Json& doc, const Json& directive,
                            std::vector<std::string>& problems) {
  auto fail = [&](const std::string& text) { problems.push_back(text); };
  if (!directive.is_object()) return fail("a directive is not an object");
  if (!only_members(directive, {"Namespace", "Dimensions", "Metrics"}))
    fail("a directive has members the specification does not define");
  if (!emf_name(directive.value("Namespace", Json()))) fail("Namespace is not 1-255 characters");
  const Json& dimensions = directive.value("Dimensions", Json());
  if (!dimensions.is_array() || dimensions.empty()) fail("Dimensions is not a non-empty array");
  for (const auto& set : dimensions.is_array() ? dimensions : Json::array()) {
    if (!set.is_array() || set.size() > 30) fail("a DimensionSet is not an array of <= 30 keys");
    for (const auto& key : set.is_array() ? set : Json::array()) {
      if (!emf_name(key)) {
        fail("a dimension key is not 1-255 characters");
        continue;
      }
      auto target = doc.find(key.get<std::string>());
      if (target == doc.end() || !target->is_string() || target->get<std::string>().empty())
        fail(fmt::format("dimension '{}' is not a top-level string member", key.dump()));
    }
  }
  const Json& metrics = directive.value("Metrics", Json());
  if (!metrics.is_array() || metrics.empty() || metrics.size() > 100)
    fail("Metrics is not an array of 1 to 100 definitions");
  for (const auto& metric : metrics.is_array() ? metrics : Json::array()) {
    if (!metric.is_object() || !only_members(metric, {"Name", "Unit", "StorageResolution"})) {
      fail("a MetricDefinition has members the specification does not define");
      continue;
    }
    if (!emf_name(metric.value("Name", Json()))) {
      fail("a metric Name is not 1-255 characters");
      continue;
    }
    if (metric.contains("Unit") &&
        (!metric["Unit"].is_string() || emf_units().count(metric["Unit"].get<std::string>()) == 0))
      fail("a Unit is not a CloudWatch unit");
    if (metric.contains("StorageResolution") && metric["StorageResolution"] != 1 &&
        metric["StorageResolution"] != 60)
      fail("StorageResolution is neither 1 nor 60");
    auto target = doc.find(metric["Name"].get<std::string>());
    bool number = target != doc.end() && target->is_number();
    bool numbers =
        target != doc.end() && target->is_array() && !target->empty() && target->size() <= 100;
    for (const auto& v : numbers ? *target : Json::array()) numbers = numbers && v.is_number();
    if (!number && !numbers)
      fail(fmt::format("metric {} is not a top-level number or array of 1-100 numbers",
                       metric["Name"].dump()));
  }
}

// Every way `doc` breaks the specification; empty when it is a valid EMF document.
inline std::vector<std::string> emf_problems(const Json& doc) {
  std::vector<std::string> problems;
  if (!doc.is_object() || !doc.contains("_aws") || !doc["_aws"].is_object()) {
    problems.emplace_back("no _aws object at the root");
    return problems;
  }
  const Json& meta = doc["_aws"];
  if (!only_members(meta, {"Timestamp", "CloudWatchMetrics"}))
    problems.emplace_back("_aws has members the specification does not define");
  // Milliseconds since the epoch: within a day of now (seconds or microseconds would not be).
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (!meta.contains("Timestamp") || !meta["Timestamp"].is_number_integer() ||
      std::abs(meta["Timestamp"].get<long long>() - now_ms) > 86'400'000LL)
    problems.emplace_back("Timestamp is not the current time in milliseconds");
  const Json& directives = meta.value("CloudWatchMetrics", Json());
  if (!directives.is_array() || directives.empty())
    problems.emplace_back("CloudWatchMetrics is not a non-empty array");
  for (const auto& directive : directives.is_array() ? directives : Json::array())
    check_directive(doc, directive, problems);
  return problems;
}

}  // namespace aws_helper::testing
