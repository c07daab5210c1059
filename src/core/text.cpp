#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include <cxxabi.h>

namespace aws_helper::detail {

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4U]);
    out.push_back(kDigits[data[i] & 0x0FU]);
  }
  return out;
}
namespace {

constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char ascii_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
constexpr bool ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
constexpr bool unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_upper);
  return out;
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && ascii_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string> split_list(std::string_view text, char separator) {
  std::vector<std::string> out;
  while (true) {
    auto end = text.find(separator);
    auto item = trim(text.substr(0, end));
    if (!item.empty()) out.emplace_back(item);
    if (end == std::string_view::npos) return out;
    text.remove_prefix(end + 1);
  }
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string uri_encode(std::string_view text, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (unreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(c);
    } else {
      auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kDigits[byte >> 4U]);
      out.push_back(kDigits[byte & 0x0FU]);
    }
  }
  return out;
}

bool breaks_header_line(std::string_view text) noexcept {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool is_textual_content_type(std::string_view content_type) {
  auto type = lower(content_type);
  for (std::string_view marker :
       {"text/", "json", "xml", "javascript", "csv", "yaml", "x-www-form-urlencoded"}) {
    if (type.find(marker) != std::string::npos) return true;
  }
  return false;
}

bool falsy(const Json& value) noexcept {
  if (value.is_null()) return true;
  if (value.is_boolean()) return !value.get<bool>();
  if (value.is_number()) return value == 0;
  // Json::empty() is false for every string (it counts elements), so a string is read itself.
  if (value.is_string()) return value.get_ref<const std::string&>().empty();
  if (value.is_array() || value.is_object()) return value.empty();
  return false;
}

bool paths_overlap(std::string_view a, std::string_view b) noexcept {
  if (a.size() == b.size()) return a == b;
  std::string_view shorter = a.size() < b.size() ? a : b;
  std::string_view longer = a.size() < b.size() ? b : a;
  return longer.substr(0, shorter.size()) == shorter && longer[shorter.size()] == '.';
}

std::string python_isoformat(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  auto us = duration_cast<microseconds>(when.time_since_epoch()).count();
  auto seconds = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
  auto fraction = us - seconds * 1000000;
  auto time = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&time, &tm);
  std::array<char, 40> text{};
  int n =
      std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (fraction != 0) {
    n += std::snprintf(text.data() + n, text.size() - static_cast<std::size_t>(n), ".%06lld",
                       static_cast<long long>(fraction));
  }
  return std::string(text.data(), static_cast<std::size_t>(n)) + "+00:00";
}

std::string type_name(const std::type_info& type) {
  int status = 0;
  // NOLINTNEXTLINE(cppcoreguidelines-no-malloc): __cxa_demangle's buffer is malloc'ed
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : std::string(type.name());
}

}  // namespace aws_helper::detail
