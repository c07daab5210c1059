#include <string>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/limits.hpp>

namespace aws_helper {

namespace {

// The byte offset at which `text` first opens more than `limit` arrays/objects, or npos. A
// linear scan that skips strings (with their escapes); it does not validate anything else —
// the parser that runs next does.
std::size_t too_deep_at(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// nlohmann's text is "[json.exception.parse_error.101] parse error at line 1, column 2: syntax
// error while parsing value - invalid literal; last read: '<the input>'". The position and the
// reason stay; the input it quotes never leaves (it may be a password, or a megabyte).
std::string without_input(const Json::parse_error& error) {
  std::string detail = error.what();
  if (auto pos = detail.find("] "); pos != std::string::npos) detail.erase(0, pos + 2);
  if (auto quoted = detail.find("; last read: '"); quoted != std::string::npos) {
    detail.erase(quoted);
  }
  // A message of nlohmann's own words is short; anything longer is cut rather than trusted.
  constexpr std::size_t kLongest = 200;
  if (detail.size() > kLongest) detail.resize(kLongest);
  return detail;
}

}  // namespace

bool valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;  // the allowed range of the second byte (RFC 3629, table 3-7)
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // no overlong forms
      if (c == 0xED) high = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // no overlong forms
      if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) return false;
    }
    i += length;
  }
  return true;
}

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json parse_json(std::string_view text, std::string_view what) {
  const std::size_t limit = limits().max_json_depth;
  if (auto at = too_deep_at(text, limit); at != std::string_view::npos) {
    throw ValueError(std::string(what) + " is nested deeper than " + std::to_string(limit) +
                     " levels (at byte " + std::to_string(at + 1) + ")");
  }
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& error) {
    throw ValueError(std::string(what) + " is not valid JSON: " + without_input(error));
  } catch (const Json::out_of_range&) {
    // 1e400: a number no double holds (nlohmann's message would quote it).
    throw ValueError(std::string(what) + " is not valid JSON: a number is out of range");
  }
}

}  // namespace aws_helper
