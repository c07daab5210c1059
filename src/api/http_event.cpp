#include <aws_helper/base64.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/http.hpp>
#include <aws_helper/trace.hpp>

#include "core/text.hpp"

namespace aws_helper {

std::string_view to_string(EventSource source) noexcept {
  switch (source) {
    case EventSource::rest_v1:
      return "rest_v1";
    case EventSource::http_v2:
      return "http_v2";
    case EventSource::function_url:
      return "function_url";
    case EventSource::alb:
      return "alb";
  }
  return "unknown";
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = hex(text[i + 1]);
      int low = hex(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

QueryParameters parse_query_string(std::string_view text) {
  QueryParameters query;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    query.add(percent_decode(name, true), percent_decode(value, true));
  }
  return query;
}

namespace {

const Json* member(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* object_member(const Json& object, const char* key, const char* where) {
  const Json* value = member(object, key);
  if (value != nullptr && !value->is_object())
    throw ValueError(std::string("'") + where + "' must be an object");
  return value;
}

std::string string_member(const Json& object, const char* key, const char* where,
                          std::string fallback = {}) {
  const Json* value = member(object, key);
  if (value == nullptr) return fallback;
  if (!value->is_string()) throw ValueError(std::string("'") + where + "' must be a string");
  return value->get<std::string>();
}

// {"name": "value"} (null values skipped).
template <class Map>
void read_single(Map& out, const Json* values, const char* where, bool decode) {
  if (values == nullptr) return;
  for (const auto& [name, value] : values->items()) {
    if (value.is_null()) continue;
    if (!value.is_string())
      throw ValueError(std::string("'") + where + "." + excerpt(name) + "' must be a string");
    const auto& text = value.template get_ref<const std::string&>();
    if (decode) {
      out.add(percent_decode(name, true), percent_decode(text, true));
    } else {
      out.add(name, text);
    }
  }
}

// {"name": ["value", ...]}.
template <class Map>
void read_multi(Map& out, const Json* values, const char* where, bool decode) {
  if (values == nullptr) return;
  for (const auto& [name, list] : values->items()) {
    if (list.is_null()) continue;
    if (!list.is_array())
      throw ValueError(std::string("'") + where + "." + name + "' must be a list of strings");
    for (const auto& value : list) {
      if (!value.is_string())
        throw ValueError(std::string("'") + where + "." + name + "' must be a list of strings");
      const auto& text = value.template get_ref<const std::string&>();
      if (decode) {
        out.add(percent_decode(name, true), percent_decode(text, true));
      } else {
        out.add(name, text);
      }
    }
  }
}

// Splits on '/', decodes each segment when asked (but an encoded '/'), drops empty segments,
// and joins again.
std::string normalise_path(std::string_view raw, bool decode) {
  std::string out;
  while (!raw.empty()) {
    auto slash = raw.find('/');
    std::string_view segment = raw.substr(0, slash);
    raw = slash == std::string_view::npos ? std::string_view{} : raw.substr(slash + 1);
    if (segment.empty()) continue;
    out += '/';
    if (!decode) {
      out += segment;
      continue;
    }
    // An encoded '/' stays encoded, so it cannot split a segment in two.
    for (char c : percent_decode(segment)) {
      if (c == '/') {
        out += "%2F";
      } else {
        out += c;
      }
    }
  }
  return out.empty() ? "/" : out;
}

// Removes `prefix` ("/prod") when the path is it or starts with it and a '/'.
bool strip_prefix(std::string& path, std::string_view prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty() || prefix == "/") return false;
  std::string normalised = prefix.front() == '/' ? std::string(prefix) : "/" + std::string(prefix);
  if (path == normalised) {
    path = "/";
    return true;
  }
  if (path.size() > normalised.size() && path.compare(0, normalised.size(), normalised) == 0 &&
      path[normalised.size()] == '/') {
    path.erase(0, normalised.size());
    return true;
  }
  return false;
}

EventSource detect(const Json& event, const Json* context) {
  if (context != nullptr && context->contains("elb")) return EventSource::alb;
  bool v2 = (event.contains("version") && event["version"] == "2.0") ||
            (context != nullptr && context->contains("http"));
  if (v2) {
    std::string domain = context != nullptr && context->contains("domainName") &&
                                 (*context)["domainName"].is_string()
                             ? (*context)["domainName"].get<std::string>()
                             : "";
    return domain.find(".lambda-url.") != std::string::npos ? EventSource::function_url
                                                            : EventSource::http_v2;
  }
  if (event.contains("httpMethod")) return EventSource::rest_v1;
  throw ValueError(
      "The event is not an API Gateway, Function URL or ALB request (it has neither "
      "'httpMethod' nor 'requestContext.http')");
}

// HTTP API (payload 2.0) and Function URL: method, path, route key, source IP, headers, cookies
// and query. Returns the raw path.
std::string read_v2(HttpRequest& request, const Json& event, const Json& ctx) {
  const Json* http = object_member(ctx, "http", "requestContext.http");
  request.method =
      http != nullptr ? string_member(*http, "method", "requestContext.http.method") : "";
  std::string path = string_member(event, "rawPath", "rawPath");
  if (path.empty() && http != nullptr)
    path = string_member(*http, "path", "requestContext.http.path");
  // "GET /users/{id}" (or "$default", "ANY /{proxy+}"): the path part is the template.
  // Only a hint: anything but a string is ignored, and routing falls back to the path.
  if (const Json* key = member(event, "routeKey"); key && key->is_string()) {
    const auto& text = key->get_ref<const std::string&>();
    if (auto space = text.find(' '); space != std::string::npos)
      request.route_template = text.substr(space + 1);
  }
  request.source_ip =
      http != nullptr ? string_member(*http, "sourceIp", "requestContext.http.sourceIp") : "";
  read_single(request.headers, object_member(event, "headers", "headers"), "headers", false);
  if (const Json* cookies = member(event, "cookies")) {
    if (!cookies->is_array()) throw ValueError("'cookies' must be a list of strings");
    std::string joined;
    for (const auto& cookie : *cookies) {
      if (!cookie.is_string()) throw ValueError("'cookies' must be a list of strings");
      joined += (joined.empty() ? "" : "; ") + cookie.get<std::string>();
    }
    if (!joined.empty()) request.headers.set("cookie", joined);
  }
  if (const Json* raw_query = member(event, "rawQueryString")) {
    if (!raw_query->is_string()) throw ValueError("'rawQueryString' must be a string");
    request.query = parse_query_string(raw_query->get_ref<const std::string&>());
  } else {
    read_single(request.query,
                object_member(event, "queryStringParameters", "queryStringParameters"),
                "queryStringParameters", false);
  }
  return path;
}

// REST API (payload 1.0) and ALB: the same, from the older shape with its multi-value maps.
// Returns the path as the event gives it.
std::string read_v1_or_alb(HttpRequest& request, const Json& event, const Json& ctx) {
  bool alb = request.source == EventSource::alb;
  request.method = string_member(event, "httpMethod", "httpMethod");
  std::string path = string_member(event, "path", "path");
  if (!alb) {
    if (const Json* resource = member(event, "resource"); resource && resource->is_string())
      request.route_template = resource->get<std::string>();
    const Json* identity = object_member(ctx, "identity", "requestContext.identity");
    if (identity != nullptr)
      request.source_ip = string_member(*identity, "sourceIp", "requestContext.identity.sourceIp");
  }
  if (const Json* multi = object_member(event, "multiValueHeaders", "multiValueHeaders")) {
    read_multi(request.headers, multi, "multiValueHeaders", false);
    request.multi_value_headers = true;
  } else {
    read_single(request.headers, object_member(event, "headers", "headers"), "headers", false);
  }
  if (const Json* multi = object_member(event, "multiValueQueryStringParameters",
                                        "multiValueQueryStringParameters")) {
    read_multi(request.query, multi, "multiValueQueryStringParameters", alb);
  } else {
    read_single(request.query,
                object_member(event, "queryStringParameters", "queryStringParameters"),
                "queryStringParameters", alb);
  }
  if (request.source_ip.empty() && alb) {
    auto forwarded = request.headers.get_or("x-forwarded-for", "");
    request.source_ip = forwarded.substr(0, forwarded.find(','));
  }
  return path;
}

// The body, Base64-decoded when the event says so.
void read_body(HttpRequest& request, const Json& event) {
  if (const Json* body = member(event, "body")) {
    request.body = body->is_string() ? body->get<std::string>() : body->dump();
    const Json* encoded = member(event, "isBase64Encoded");
    if (encoded != nullptr && encoded->is_boolean() && encoded->get<bool>()) {
      try {
        request.body = base64_decode(request.body);
      } catch (const ValueError& error) {
        throw ValueError(std::string("The request body is marked isBase64Encoded but is not: ") +
                         error.what());
      }
    }
  }
}

}  // namespace

HttpRequest parse_http_event(const Json& event, const std::vector<std::string>& base_paths) {
  if (!event.is_object()) throw ValueError("The event must be a JSON object");
  const Json* context = object_member(event, "requestContext", "requestContext");
  HttpRequest request;
  request.source = detect(event, context);
  const Json empty = Json::object();
  const Json& ctx = context != nullptr ? *context : empty;

  std::string raw_path;
  bool decode_path = true;
  if (request.source == EventSource::http_v2 || request.source == EventSource::function_url) {
    raw_path = read_v2(request, event, ctx);
  } else {
    raw_path = read_v1_or_alb(request, event, ctx);
    decode_path = request.source == EventSource::alb;  // REST gives `path` decoded already
  }
  if (request.method.empty()) throw ValueError("The event has no HTTP method");
  request.method = detail::upper(request.method);

  request.request_id = string_member(ctx, "requestId", "requestContext.requestId");
  // ALB sends no request id; its trace header stands in. The client may have sent that header
  // (ALB keeps the Root it is given), so only a valid one is used: the id is quoted in replies
  // and logs.
  if (request.request_id.empty())
    request.request_id = trace::sanitize(request.headers.get_or("x-amzn-trace-id", ""));
  request.stage = string_member(ctx, "stage", "requestContext.stage");
  if (const Json* authorizer = member(ctx, "authorizer")) request.authorizer = *authorizer;

  request.path = normalise_path(raw_path, decode_path);
  // HTTP API rawPath carries a named stage ("/prod/users"); REST `path` does not.
  bool v2 = request.source == EventSource::http_v2 || request.source == EventSource::function_url;
  if (v2 && !request.stage.empty() && request.stage != "$default")
    strip_prefix(request.path, "/" + request.stage);
  for (const auto& base : base_paths) {
    if (strip_prefix(request.path, base)) break;
  }

  read_body(request, event);
  return request;
}

Json format_http_reply(const HttpRequest& request, HttpResponse response) {
  Json reply = Json::object();
  reply["statusCode"] = response.status;
  bool v2 = request.source == EventSource::http_v2 || request.source == EventSource::function_url;
  if (request.source == EventSource::alb) {
    reply["statusDescription"] =
        std::to_string(response.status) + " " + std::string(reason_phrase(response.status));
  }
  // HTTP API and Function URLs take Set-Cookie as `cookies`, never as a header.
  const auto& all = response.headers;
  auto is_cookie = [&](const std::string& name) {
    return v2 && detail::iequals(name, "set-cookie");
  };
  bool repeated = false;
  for (auto it = all.begin(); it != all.end() && !repeated; ++it) {
    if (is_cookie(it->first)) continue;
    for (auto other = all.begin(); other != it; ++other) {
      if (other->first == it->first) {
        repeated = true;
        break;
      }
    }
  }
  bool use_multi = request.source == EventSource::alb
                       ? request.multi_value_headers
                       : (request.source == EventSource::rest_v1 && repeated);
  // Only the map this reply uses is built; names are kept as the handler wrote them.
  Json headers = Json::object();
  Json cookies = Json::array();
  for (const auto& [name, value] : all) {
    if (is_cookie(name)) {
      cookies.push_back(value);
    } else if (use_multi) {
      auto& values = headers[name];
      if (values.is_null()) values = Json::array();
      values.push_back(value);
    } else if (auto existing = headers.find(name); existing == headers.end()) {
      headers[name] = value;
    } else if (v2) {
      *existing = existing->get<std::string>() + ", " + value;  // RFC 9110 list syntax
    } else {
      *existing = value;  // REST and ALB single-value headers: the last one wins
    }
  }
  reply[use_multi ? "multiValueHeaders" : "headers"] = std::move(headers);
  if (v2 && !cookies.empty()) reply["cookies"] = std::move(cookies);
  reply["body"] = response.base64 ? base64_encode(response.body) : std::move(response.body);
  reply["isBase64Encoded"] = response.base64;
  return reply;
}

}  // namespace aws_helper
