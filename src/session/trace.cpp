#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>

#include <aws_helper/session.hpp>
#include <aws_helper/trace.hpp>

namespace aws_helper::trace {
namespace {

// More fields than X-Ray ever writes (Root, Parent, Sampled, Lineage, ALB's Self): a header with
// more is not one of theirs.
constexpr std::size_t kMaxFields = 16;

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool key_char(char c) {
  return is_alnum(c) || c == '-' || c == '_';
}

// Lineage ("a87bd80c:1|68fd508a:5") needs ':' and '|'; nothing that could end a header line,
// quote a log field or split a field ('=', ';', blanks, controls) is allowed.
bool value_char(char c) {
  return is_alnum(c) || std::string_view("-_.:|+/").find(c) != std::string_view::npos;
}

// "1-" + 8 hex digits (epoch seconds) + "-" + 24 hex digits.
bool valid_root(std::string_view value) {
  return value.size() == 35 && value.substr(0, 2) == "1-" && is_hex(value.substr(2, 8)) &&
         value[10] == '-' && is_hex(value.substr(11));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Reads one "key=value" field into `out`; false when it is not a valid one.
bool read_field(std::string_view field, TraceHeader& out) {
  auto equals = field.find('=');
  if (equals == std::string_view::npos) return false;
  auto key = trim(field.substr(0, equals));
  auto value = trim(field.substr(equals + 1));
  if (key.empty() || value.empty() || !std::all_of(key.begin(), key.end(), key_char)) {
    return false;
  }
  if (key == "Sampled") {  // the one value with a '?' ("decide for me")
    if (!out.sampled.empty() || (value != "0" && value != "1" && value != "?")) return false;
    out.sampled = value;
    return true;
  }
  if (!std::all_of(value.begin(), value.end(), value_char)) return false;
  if (key == "Root") {
    if (!out.root.empty() || !valid_root(value)) return false;
    out.root = value;
  } else if (key == "Parent") {
    if (!out.parent.empty() || value.size() != 16 || !is_hex(value)) return false;
    out.parent = value;
  } else {
    bool repeated = std::any_of(out.other.begin(), out.other.end(),
                                [key](const auto& other) { return other.first == key; });
    if (repeated) return false;
    out.other.emplace_back(key, value);
  }
  return true;
}

const Json* object_member(const Json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

std::string string_member(const Json* object, const std::string& key) {
  if (object == nullptr) return {};
  auto it = object->find(key);
  return it != object->end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The attribute in an SNS envelope body: {"Type": "Notification", "MessageAttributes":
// {"X-Amzn-Trace-Id": {"Type": "String", "Value": "..."}}}.
std::string from_envelope(const std::string& body) {
  auto first = body.find_first_not_of(" \t\r\n");
  // Parsed only when it can hold the attribute: most bodies are not envelopes with a trace,
  // and the consumer parses the body again anyway.
  if (first == std::string::npos || body[first] != '{' ||
      body.find(kMessageAttribute) == std::string::npos) {
    return {};
  }
  try {
    auto envelope = parse_json(body, "The record body");
    const Json* attributes = object_member(envelope, "MessageAttributes");
    if (attributes == nullptr) return {};
    return sanitize(
        string_member(object_member(*attributes, std::string(kMessageAttribute)), "Value"));
  } catch (const std::exception&) {  // not JSON (too deep, too big): no envelope to read
    return {};
  }
}

}  // namespace

std::string TraceHeader::to_string() const {
  std::string out = "Root=" + root;
  if (!parent.empty()) out += ";Parent=" + parent;
  if (!sampled.empty()) out += ";Sampled=" + sampled;
  for (const auto& [key, value] : other) {
    out += ';';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

std::optional<TraceHeader> parse(std::string_view header) {
  if (header.empty() || header.size() > kMaxHeaderBytes) return std::nullopt;
  TraceHeader out;
  std::size_t fields = 0;
  for (;;) {
    auto end = header.find(';');
    auto field = trim(header.substr(0, end));
    if (!field.empty() && (++fields > kMaxFields || !read_field(field, out))) return std::nullopt;
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  if (out.root.empty()) return std::nullopt;
  return out;
}

std::string sanitize(std::string_view header) {
  auto parsed = parse(header);
  return parsed ? parsed->to_string() : std::string();
}

std::string root(std::string_view header) {
  auto parsed = parse(header);
  return parsed ? parsed->root : std::string();
}

std::string new_root() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  auto high = static_cast<std::uint32_t>(random() >> 32U);
  auto low = static_cast<unsigned long long>(random());
  std::array<char, 48> text{};
  std::snprintf(text.data(), text.size(), "Root=1-%08x-%08x%016llx",
                static_cast<std::uint32_t>(seconds), high, low);
  return text.data();
}

std::string current() {
  const auto& installed = detail::request_tags().trace_id;
  if (installed.empty()) return {};
  // The runtime installs Lambda's header as it came; what leaves the process is checked.
  return sanitize(installed);
}

Scope::Scope(std::string_view header) : previous_(detail::request_tags().trace_id) {
  if (auto parsed = parse(header)) detail::request_tags().trace_id = parsed->to_string();
}

Scope::~Scope() {
  detail::request_tags().trace_id = std::move(previous_);
}

std::string from_sqs_record(const Json& record) {
  if (!record.is_object()) return {};
  if (auto header = sanitize(
          string_member(object_member(record, "attributes"), std::string(kSqsSystemAttribute)));
      !header.empty()) {
    return header;
  }
  if (auto body = record.find("body"); body != record.end() && body->is_string()) {
    if (auto header = from_envelope(body->get_ref<const std::string&>()); !header.empty()) {
      return header;
    }
  }
  const Json* attributes = object_member(record, "messageAttributes");
  if (attributes == nullptr) return {};
  return sanitize(
      string_member(object_member(*attributes, std::string(kMessageAttribute)), "stringValue"));
}

}  // namespace aws_helper::trace
