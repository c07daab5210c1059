#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <regex>

#include <aws_helper/schema.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

std::string location(const Json& loc) {
  std::string out;
  for (const auto& part : loc) {
    if (!out.empty()) out += '.';
    out += part.is_string() ? excerpt(part.get_ref<const std::string&>()) : part.dump();
  }
  return out.empty() ? "(root)" : out;
}

std::string summary(const std::string& model, const Json& details) {
  std::string text = std::to_string(details.size()) + " validation error" +
                     (details.size() == 1 ? "" : "s") + " for " + model + ": ";
  bool first = true;
  for (const auto& issue : details) {
    if (!first) text += "; ";
    first = false;
    text += location(issue["loc"]) + ": " + issue["msg"].get<std::string>();
  }
  return text;
}

std::string number_text(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  return Json(value).dump();
}

std::size_t characters(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char c : text)
    if ((c & 0xC0U) != 0x80U) ++count;
  return count;
}

// A pattern is searched for in the text as a whole-text match of "<anything>(?:pattern)
// <anything>" (the same answer: ^ and $ still mean the ends of the text), run by libstdc++'s
// non-backtracking executor (__polynomial, its documented extension). Its default executor
// recurses once per character — a 50 KB string overflowed an 8 MB stack, and the body may be
// 10 MB — and backtracks exponentially on patterns like ^(a+)+$. This one keeps a set of states
// per character: time linear in the text, no recursion on it. Back-references need the
// backtracking one: such a pattern is refused (error_complexity) when first used.
#ifdef __GLIBCXX__
constexpr auto kPatternSyntax = std::regex::ECMAScript | std::regex_constants::__polynomial;
#else
constexpr auto kPatternSyntax = std::regex::ECMAScript;
#endif

const std::regex& compiled(const std::string& pattern) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<std::regex>, std::less<>> cache;
  std::lock_guard lock(mutex);
  auto& slot = cache[pattern];
  if (!slot) {
    try {
      std::regex checked(pattern, kPatternSyntax);  // refused as written, not once wrapped
      slot = std::make_unique<std::regex>("[\\s\\S]*?(?:" + pattern + ")[\\s\\S]*", kPatternSyntax);
    } catch (const std::regex_error& error) {
      cache.erase(pattern);
      throw ConfigurationError("Invalid schema pattern '" + pattern + "': " + error.what());
    }
  }
  return *slot;
}

bool check_range(double value, schema_detail::Context& ctx, const schema_detail::Constraints& c) {
  if (c.minimum && value < *c.minimum) {
    ctx.fail("Input should be greater than or equal to " + number_text(*c.minimum),
             "greater_than_equal");
    return false;
  }
  if (c.maximum && value > *c.maximum) {
    ctx.fail("Input should be less than or equal to " + number_text(*c.maximum), "less_than_equal");
    return false;
  }
  return true;
}

}  // namespace

SchemaValidationError::SchemaValidationError(const std::string& model, Json details)
    : ValueError("ValidationError", summary(model, details)), details_(std::move(details)) {}

namespace schema_detail {

Json Context::details() const {
  Json out = Json::array();
  for (const auto& issue : issues_) {
    out.push_back({{"loc", issue.loc}, {"msg", issue.msg}, {"type", issue.type}});
  }
  return out;
}

std::optional<Json> normalize_string(const Json& in, Context& ctx, const Constraints& c) {
  if (!in.is_string()) {
    ctx.fail("Input should be a valid string", "string_type");
    return std::nullopt;
  }
  const auto& text = in.get_ref<const std::string&>();
  std::size_t length = characters(text);
  if (c.min_length && length < *c.min_length) {
    ctx.fail("String should have at least " + std::to_string(*c.min_length) + " character" +
                 (*c.min_length == 1 ? "" : "s"),
             "string_too_short");
    return std::nullopt;
  }
  if (c.max_length && length > *c.max_length) {
    ctx.fail("String should have at most " + std::to_string(*c.max_length) + " character" +
                 (*c.max_length == 1 ? "" : "s"),
             "string_too_long");
    return std::nullopt;
  }
  if (c.pattern && !std::regex_match(text, compiled(*c.pattern))) {
    ctx.fail("String should match pattern '" + *c.pattern + "'", "string_pattern_mismatch");
    return std::nullopt;
  }
  if (!c.one_of.empty()) {
    for (const auto& allowed : c.one_of)
      if (allowed == text) return in;
    std::string list;
    for (std::size_t i = 0; i < c.one_of.size(); ++i) {
      if (i > 0) list += i + 1 == c.one_of.size() ? " or " : ", ";
      list += "'" + c.one_of[i] + "'";
    }
    ctx.fail("Input should be " + list, "enum");
    return std::nullopt;
  }
  return in;
}

std::optional<Json> normalize_bool(const Json& in, Context& ctx) {
  if (in.is_boolean()) return in;
  if (in.is_number_integer() && (in == 0 || in == 1)) return Json(in == 1);
  if (in.is_string()) {
    std::string text = detail::lower(detail::trim(in.get_ref<const std::string&>()));
    for (const char* yes : {"true", "1", "yes", "on", "t", "y"})
      if (text == yes) return Json(true);
    for (const char* no : {"false", "0", "no", "off", "f", "n"})
      if (text == no) return Json(false);
    ctx.fail("Input should be a valid boolean, unable to interpret input", "bool_parsing");
    return std::nullopt;
  }
  ctx.fail("Input should be a valid boolean", "bool_type");
  return std::nullopt;
}

// Over 60 lines: one branch per integer constraint, in the order Python's validator checks them.
// NOLINTNEXTLINE(readability-function-size)
std::optional<Json> normalize_integer(const Json& in, Context& ctx, const Constraints& c,
                                      std::int64_t low, std::int64_t high) {
  std::int64_t value = 0;
  if (in.is_number_integer()) {
    if (in.is_number_unsigned() && in.get<std::uint64_t>() > static_cast<std::uint64_t>(high)) {
      ctx.fail("Input should be less than or equal to " + std::to_string(high), "less_than_equal");
      return std::nullopt;
    }
    value = in.get<std::int64_t>();
  } else if (in.is_number_float()) {
    double number = in.get<double>();
    if (!std::isfinite(number)) {
      ctx.fail("Input should be a finite number", "finite_number");
      return std::nullopt;
    }
    if (number != std::floor(number)) {
      ctx.fail("Input should be a valid integer, got a number with a fractional part",
               "int_from_float");
      return std::nullopt;
    }
    // A whole number too large for the field (2^70 arrives as a double): say so, rather than
    // call it fractional. 2^63 is exact as a double; anything from it up is out of int64.
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (number >= kTwoTo63 || number > static_cast<double>(high)) {
      ctx.fail("Input should be less than or equal to " + std::to_string(high), "less_than_equal");
      return std::nullopt;
    }
    if (number < -kTwoTo63 || number < static_cast<double>(low)) {
      ctx.fail("Input should be greater than or equal to " + std::to_string(low),
               "greater_than_equal");
      return std::nullopt;
    }
    value = static_cast<std::int64_t>(number);
  } else if (in.is_string()) {
    std::string text(detail::trim(in.get_ref<const std::string&>()));
    char* end = nullptr;
    errno = 0;
    long long parsed = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
    bool whole = !text.empty() && end != nullptr && *end == '\0' &&
                 std::isdigit(static_cast<unsigned char>(text.back()));
    if (whole && errno == ERANGE) {  // digits, but beyond int64
      bool negative = text.front() == '-';
      ctx.fail(negative ? "Input should be greater than or equal to " + std::to_string(low)
                        : "Input should be less than or equal to " + std::to_string(high),
               negative ? "greater_than_equal" : "less_than_equal");
      return std::nullopt;
    }
    if (!whole || errno == ERANGE) {
      ctx.fail("Input should be a valid integer, unable to parse string as an integer",
               "int_parsing");
      return std::nullopt;
    }
    value = parsed;
  } else {
    ctx.fail("Input should be a valid integer", "int_type");
    return std::nullopt;
  }
  if (value < low) {
    ctx.fail("Input should be greater than or equal to " + std::to_string(low),
             "greater_than_equal");
    return std::nullopt;
  }
  if (value > high) {
    ctx.fail("Input should be less than or equal to " + std::to_string(high), "less_than_equal");
    return std::nullopt;
  }
  if (!check_range(static_cast<double>(value), ctx, c)) return std::nullopt;
  return Json(value);
}

std::optional<Json> normalize_number(const Json& in, Context& ctx, const Constraints& c) {
  double value = 0;
  if (in.is_number()) {
    value = in.get<double>();
  } else if (in.is_string()) {
    std::string text(detail::trim(in.get_ref<const std::string&>()));
    char* end = nullptr;
    errno = 0;
    value = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0' || errno == ERANGE ||
        !std::isfinite(value)) {
      ctx.fail("Input should be a valid number, unable to parse string as a number",
               "float_parsing");
      return std::nullopt;
    }
  } else {
    ctx.fail("Input should be a valid number", "float_type");
    return std::nullopt;
  }
  if (!check_range(value, ctx, c)) return std::nullopt;
  return Json(value);
}

bool check_items(std::size_t size, Context& ctx, const Constraints& c) {
  if (c.min_length && size < *c.min_length) {
    ctx.fail("List should have at least " + std::to_string(*c.min_length) + " item" +
                 (*c.min_length == 1 ? "" : "s") + " after validation, not " + std::to_string(size),
             "too_short");
    return false;
  }
  if (c.max_length && size > *c.max_length) {
    ctx.fail("List should have at most " + std::to_string(*c.max_length) + " item" +
                 (*c.max_length == 1 ? "" : "s") + " after validation, not " + std::to_string(size),
             "too_long");
    return false;
  }
  return true;
}

void add_constraints(Json& schema, const Constraints& c, bool is_string, bool is_array) {
  if (is_string) {
    if (c.min_length) schema["minLength"] = *c.min_length;
    if (c.max_length) schema["maxLength"] = *c.max_length;
    if (c.pattern) schema["pattern"] = *c.pattern;
    if (!c.one_of.empty()) schema["enum"] = c.one_of;
  } else if (is_array) {
    if (c.min_length) schema["minItems"] = *c.min_length;
    if (c.max_length) schema["maxItems"] = *c.max_length;
  } else {
    if (c.minimum) schema["minimum"] = *c.minimum;
    if (c.maximum) schema["maximum"] = *c.maximum;
  }
}

std::string type_title(const std::type_info& type) {
  std::string name = detail::type_name(type);
  auto colon = name.rfind("::");
  return colon == std::string::npos ? name : name.substr(colon + 2);
}

}  // namespace schema_detail

}  // namespace aws_helper
