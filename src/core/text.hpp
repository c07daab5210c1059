// The text helpers the layers share, in one place (private to the framework). ASCII only:
// header names, environment values, URIs and content types are ASCII by their specifications.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <aws_helper/http.hpp>  // detail::iequals, declared there for Headers
#include <aws_helper/json.hpp>

namespace aws_helper::detail {

// Lower-case hexadecimal of the bytes (digests, random tokens).
[[nodiscard]] std::string hex(const unsigned char* data, std::size_t size);
[[nodiscard]] std::string lower(std::string_view text);
[[nodiscard]] std::string upper(std::string_view text);

// Without the ASCII white space (space, \t, \n, \v, \f, \r) at both ends.
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

// "a, b,,c " -> {"a", "b", "c"}: split at `separator`, items trimmed, empty ones dropped
// (the comma-separated environment variables: CORS_ALLOW_ORIGINS, ECS_SUBNETS, ...).
[[nodiscard]] std::vector<std::string> split_list(std::string_view text, char separator = ',');

[[nodiscard]] std::string join(const std::vector<std::string>& items, std::string_view separator);

// RFC 3986 percent-encoding: everything but the unreserved A-Z a-z 0-9 - . _ ~ (and '/' when
// !encode_slash) as %XX with upper-case digits, as SigV4 and MongoDB URIs require.
[[nodiscard]] std::string uri_encode(std::string_view text, bool encode_slash = true);

// True when the text holds CR, LF or NUL: what must never reach an HTTP header line.
[[nodiscard]] bool breaks_header_line(std::string_view text) noexcept;

// Whether a body of this Content-Type is text (sent as is) or binary (base64 in an API Gateway
// event or reply), whatever the case of the type. A missing type is binary: nothing says
// the bytes are text.
[[nodiscard]] bool is_textual_content_type(std::string_view content_type);

// Python's truthiness for JSON: null, false, 0, "", [] and {} are falsy.
[[nodiscard]] bool falsy(const Json& value) noexcept;

// True when `a` and `b` are the same dotted path or one holds the other ("profile" and
// "profile.ssn"): MongoDB refuses two update operators on such paths, and a projection of one
// returns the other.
[[nodiscard]] bool paths_overlap(std::string_view a, std::string_view b) noexcept;

// Python's datetime.isoformat() of a UTC instant: "2026-12-03T12:00:00.123456+00:00", without
// the fraction when it is zero (what aws-python-helper writes for run events and public_audit).
[[nodiscard]] std::string python_isoformat(std::chrono::system_clock::time_point when);

// The readable name of a type ("app::UsersGetAPI"), the mangled one when it cannot be read.
[[nodiscard]] std::string type_name(const std::type_info& type);

}  // namespace aws_helper::detail
