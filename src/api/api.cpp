// API, the base of a route's handler: the request it was handed and the reply it builds. The
// dispatcher (dispatcher.cpp) runs it.
#include <aws_helper/api.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

void check_header_text(std::string_view name, std::string_view value) {
  if (name.empty() || detail::breaks_header_line(name)) {
    throw ValueError("Invalid response header name");
  }
  if (detail::breaks_header_line(value)) {
    throw ValueError("The value of response header '" + excerpt(name) + "' contains CR, LF or NUL");
  }
}

}  // namespace

std::string API::endpoint() const {
  return invocation_.request.path.size() > 1 ? invocation_.request.path.substr(1) : "";
}

std::string API::http_method() const {
  return detail::lower(invocation_.request.method);
}

API& API::set_code(int code) {
  if (code < 100 || code > 599)
    throw ValueError("HTTP status " + std::to_string(code) + " is invalid");
  reply_.code = code;
  return *this;
}

API& API::set_body(Json body) {
  reply_.body = std::move(body);
  reply_.raw_body.reset();
  return *this;
}

API& API::set_raw_body(std::string bytes, std::string content_type) {
  check_header_text("Content-Type", content_type);
  reply_.raw_body = std::move(bytes);
  reply_.headers.set("Content-Type", std::move(content_type));
  return *this;
}

API& API::set_header(std::string name, std::string value) {
  check_header_text(name, value);
  reply_.headers.set(std::move(name), std::move(value));
  return *this;
}

API& API::set_headers(const Headers& headers) {
  for (const auto& [name, value] : headers) set_header(name, value);
  return *this;
}

API& API::add_header(std::string name, std::string value) {
  check_header_text(name, value);
  reply_.headers.add(std::move(name), std::move(value));
  return *this;
}

void API::begin(ApiInvocation invocation, std::string_view class_name) {
  name_logger(class_name);
  invocation_ = std::move(invocation);
  reply_ = ApiReply{};
}

}  // namespace aws_helper
