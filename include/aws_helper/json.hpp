// Documents and payloads.
//
// Json is nlohmann::ordered_json: key order is kept, which MongoDB needs for sort specs, index
// keys and commands, and which keeps replies in the order the handler built them.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aws_helper {

using Json = nlohmann::ordered_json;

// Serialises compactly. Never throws on text that is not valid UTF-8: bad bytes are replaced
// with U+FFFD, so a reply is always well-formed JSON.
[[nodiscard]] std::string dump_json(const Json& value);

// Parses text as JSON; throws aws_helper::ValueError naming `what` and the parser's complaint.
[[nodiscard]] Json parse_json(std::string_view text, std::string_view what = "JSON");

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF).
[[nodiscard]] bool valid_utf8(std::string_view text) noexcept;

}  // namespace aws_helper
