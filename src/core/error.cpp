#include <new>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include <aws_helper/error.hpp>

namespace aws_helper {

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so a character is not split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return std::string(text.substr(0, end)) + "...";
}

std::string Error::without_nul(const std::string& message) {
  if (message.find('\0') == std::string::npos) return message;
  std::string out;
  out.reserve(message.size() + 8);
  for (char c : message) {
    if (c == '\0') {
      out += "\\u0000";
    } else {
      out += c;
    }
  }
  return out;
}

std::string error_type_of(const std::exception& error) {
  // Most specific first; the names are part of the wire format, so they are spelled out here
  // rather than taken from typeid (whose output is compiler-specific).
  if (const auto* framework = dynamic_cast<const Error*>(&error)) return framework->error_type();
  if (dynamic_cast<const nlohmann::json::exception*>(&error) != nullptr) return "JSONError";
  if (dynamic_cast<const std::invalid_argument*>(&error) != nullptr) return "InvalidArgument";
  if (dynamic_cast<const std::out_of_range*>(&error) != nullptr) return "OutOfRange";
  if (dynamic_cast<const std::length_error*>(&error) != nullptr) return "LengthError";
  if (dynamic_cast<const std::domain_error*>(&error) != nullptr) return "DomainError";
  if (dynamic_cast<const std::logic_error*>(&error) != nullptr) return "LogicError";
  if (dynamic_cast<const std::range_error*>(&error) != nullptr) return "RangeError";
  if (dynamic_cast<const std::overflow_error*>(&error) != nullptr) return "OverflowError";
  if (dynamic_cast<const std::underflow_error*>(&error) != nullptr) return "UnderflowError";
  if (dynamic_cast<const std::runtime_error*>(&error) != nullptr) return "RuntimeError";
  if (dynamic_cast<const std::bad_alloc*>(&error) != nullptr) return "MemoryError";
  return "Exception";
}

}  // namespace aws_helper
