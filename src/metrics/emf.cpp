#include "metrics/emf.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include <aws_helper/error.hpp>
#include <aws_helper/log.hpp>

namespace aws_helper::metrics::emf {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  // Runs of plain characters are appended at once; UTF-8 passes as is (names were checked to be
  // UTF-8 when recorded).
  std::size_t plain = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

namespace {

const Logger& logger() {
  static const Logger instance{"aws_helper.metrics"};
  return instance;
}

// Finite by construction (the record refuses NaN and infinities), so fmt's shortest
// round-trip form is a JSON number: 1, 0.25, 1e+21.
void append_number(std::string& out, double value) {
  char text[32];  // the longest shortest form, -2.2250738585072014e-308, is 24
  char* end = fmt::format_to(text, "{}", value);
  out.append(text, static_cast<std::size_t>(end - text));
}

using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;

// {"_aws":{"Timestamp":T,"CloudWatchMetrics":[{"Namespace":"..","Dimensions":[[..]],"Metrics":[
std::string directive_head(const Batch& batch, const Pairs& dimensions) {
  std::string out = R"({"_aws":{"Timestamp":)";
  fmt::format_to(std::back_inserter(out), "{}", batch.timestamp_ms);
  out += R"(,"CloudWatchMetrics":[{"Namespace":)";
  append_json_string(out, batch.config.namespace_name);
  out += R"(,"Dimensions":[[)";
  for (std::size_t i = 0; i < dimensions.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, dimensions[i].first);
  }
  out += R"(]],"Metrics":[)";
  return out;
}

void append_member(std::string& out, std::string_view key, std::string_view text) {
  out += ',';
  append_json_string(out, key);
  out += ':';
  append_json_string(out, text);
}

// ,"service":"orders","handler":"OrdersConsumer",...: the dimension targets.
std::string dimension_members(const Pairs& dimensions) {
  std::string out;
  for (const auto& [key, value] : dimensions) append_member(out, key, value);
  return out;
}

Pairs dimensions_of(const Batch& batch, const Group& group) {
  Pairs out;
  out.emplace_back("service", batch.config.service);
  if (!group.handler.empty()) out.emplace_back("handler", group.handler);
  if (!group.state.empty()) out.emplace_back("state", group.state);
  for (const auto& [key, value] : batch.dimensions) out.emplace_back(key, value);
  return out;
}

// ,"requestId":"..","traceId":"..",<metadata>: the members that are not metrics. One whose key
// a metric of the group already takes is left out (the metric is what CloudWatch needs).
std::string property_members(const Batch& batch, const Group& group) {
  std::string out;
  auto taken = [&](std::string_view key) { return group.index.find(key) != group.index.end(); };
  if (!batch.request_id.empty() && !taken("requestId"))
    append_member(out, "requestId", batch.request_id);
  if (!batch.trace_id.empty() && !taken("traceId")) append_member(out, "traceId", batch.trace_id);
  for (const auto& [key, value] : batch.metadata.items()) {
    if (taken(key) || key == "requestId" || key == "traceId") {
      logger().warn("Metadata '{}' is left out of the metrics line: a metric has that name",
                    excerpt(key));
      continue;
    }
    out += ',';
    append_json_string(out, key);
    out += ':';
    out += dump_json(value);
  }
  return out;
}

// The values [from, to) of one metric that go on one line.
struct Slice {
  const Metric* metric;
  std::size_t from;
  std::size_t to;
};

std::string line(const std::string& head, const std::vector<Slice>& slices,
                 const std::string& dimensions, const std::string& properties) {
  std::size_t size = head.size() + dimensions.size() + properties.size() + 16;
  for (const auto& slice : slices)
    size += 2 * slice.metric->name.size() + 64 + 24 * (slice.to - slice.from);
  std::string out;
  out.reserve(size);
  out += head;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    const Metric& metric = *slices[i].metric;
    out += i == 0 ? R"({"Name":)" : R"(,{"Name":)";
    append_json_string(out, metric.name);
    out += R"(,"Unit":")";
    out += to_string(metric.unit);
    out += '"';
    if (metric.resolution == MetricResolution::high) out += R"(,"StorageResolution":1)";
    out += '}';
  }
  out += "]}]}";
  out += dimensions;
  for (const auto& slice : slices) {
    out += ',';
    append_json_string(out, slice.metric->name);
    out += ':';
    if (slice.to - slice.from == 1) {
      append_number(out, slice.metric->values[slice.from]);
      continue;
    }
    out += '[';
    for (std::size_t v = slice.from; v < slice.to; ++v) {
      if (v > slice.from) out += ',';
      append_number(out, slice.metric->values[v]);
    }
    out += ']';
  }
  out += properties;
  out += '}';
  // As every log line: a secret that reached a dimension or metadata is masked.
  return log::redact(out);
}

// The most bytes a slice can take on a line: its definition, its member and every value at
// the longest a double prints (24 characters) with its comma.
std::size_t worst_size(const Metric& metric, std::size_t values) {
  return 2 * metric.name.size() + 64 + 25 * values;
}

// Lines of up to kMaxMetricsPerLine metrics, each with up to kMaxValuesPerMetric values, and
// within kMaxLineBytes; a metric with more values continues on the next line, ahead of the
// metrics not yet written.
void render_group(const Batch& batch, const Group& group, std::vector<std::string>& lines) {
  Pairs dimensions = dimensions_of(batch, group);
  std::string head = directive_head(batch, dimensions);
  std::string members = dimension_members(dimensions);
  std::string properties = property_members(batch, group);
  std::size_t fixed = head.size() + members.size() + properties.size() + 16;
  std::size_t budget = fixed < kMaxLineBytes ? kMaxLineBytes - fixed : 0;
  std::vector<std::size_t> written(group.metrics.size(), 0);
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < group.metrics.size(); ++i) {
    if (!group.metrics[i].values.empty()) pending.push_back(i);
  }
  std::vector<Slice> slices;
  while (!pending.empty()) {
    std::vector<std::size_t> next;
    slices.clear();
    std::size_t used = 0;
    std::size_t k = 0;
    for (; k < pending.size() && k < kMaxMetricsPerLine; ++k) {
      std::size_t i = pending[k];
      const Metric& metric = group.metrics[i];
      std::size_t to = std::min(metric.values.size(), written[i] + kMaxValuesPerMetric);
      std::size_t size = worst_size(metric, to - written[i]);
      if (k > 0 && used + size > budget) break;  // the first always goes, or nothing would
      used += size;
      slices.push_back({&metric, written[i], to});
      written[i] = to;
      if (to < metric.values.size()) next.push_back(i);
    }
    next.insert(next.end(), pending.begin() + static_cast<std::ptrdiff_t>(k), pending.end());
    pending = std::move(next);
    lines.push_back(line(head, slices, members, properties));
  }
}

std::string cold_start_line(const Batch& batch) {
  Pairs dimensions;
  dimensions.emplace_back("service", batch.config.service);
  if (!batch.cold_start_handler->empty())
    dimensions.emplace_back("handler", *batch.cold_start_handler);
  std::string out = directive_head(batch, dimensions);
  out += R"({"Name":"ColdStart","Unit":"Count"}]}]})";
  out += dimension_members(dimensions);
  out += R"(,"ColdStart":1)";
  if (!batch.function_name.empty()) append_member(out, "function_name", batch.function_name);
  if (!batch.request_id.empty()) append_member(out, "requestId", batch.request_id);
  if (!batch.trace_id.empty()) append_member(out, "traceId", batch.trace_id);
  out += '}';
  return log::redact(out);
}

}  // namespace

std::vector<std::string> render(const Batch& batch) {
  std::vector<std::string> lines;
  if (batch.cold_start_handler) lines.push_back(cold_start_line(batch));
  for (const auto& group : batch.groups) render_group(batch, group, lines);
  return lines;
}

}  // namespace aws_helper::metrics::emf
