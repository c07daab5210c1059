// `bootstrap serve`: the service's APIs over HTTP for local runs. Each request becomes the event
// API Gateway would send (HTTP API v2 by default, REST v1 with --rest) and runs through the very
// handler Lambda runs, one at a time as one Lambda instance would.
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <random>

#include <httplib.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/service.hpp>

namespace aws_helper {

namespace {

bool textual(const std::string& content_type) {
  if (content_type.empty()) return true;
  for (std::string_view marker :
       {"text/", "json", "xml", "javascript", "csv", "yaml", "x-www-form-urlencoded"}) {
    if (content_type.find(marker) != std::string::npos) return true;
  }
  return false;
}

std::string new_request_id() {
  static std::mt19937_64 random{std::random_device{}()};
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  return fmt::format("local-{:016x}", random());
}

// The raw query string of the request target ("a=1&b=2"), as API Gateway gives it.
std::string raw_query(const httplib::Request& request) {
  auto mark = request.target.find('?');
  return mark == std::string::npos ? "" : request.target.substr(mark + 1);
}

std::string raw_path(const httplib::Request& request) {
  return request.target.substr(0, request.target.find('?'));
}

Json make_event(const httplib::Request& request, bool rest, const std::string& request_id,
                const std::string& host) {
  auto now = std::chrono::system_clock::now();
  auto epoch_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::string content_type = request.get_header_value("Content-Type");
  bool base64 = !request.body.empty() && !textual(content_type);
  Json body = request.body.empty() ? Json(nullptr)
                                   : Json(base64 ? base64_encode(request.body) : request.body);
  if (rest) {
    Json headers = Json::object();
    Json multi_headers = Json::object();
    for (const auto& [name, value] : request.headers) {
      if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
          name == "LOCAL_PORT")
        continue;
      headers[name] = value;
      multi_headers[name].push_back(value);
    }
    Json query = nullptr;
    Json multi_query = nullptr;
    for (const auto& [name, value] : request.params) {
      if (query.is_null()) {
        query = Json::object();
        multi_query = Json::object();
      }
      query[name] = value;
      multi_query[name].push_back(value);
    }
    return {{"resource", "/{proxy+}"},
            {"path", request.path},
            {"httpMethod", request.method},
            {"headers", headers},
            {"multiValueHeaders", multi_headers},
            {"queryStringParameters", query},
            {"multiValueQueryStringParameters", multi_query},
            {"pathParameters", {{"proxy", request.path.size() > 1 ? request.path.substr(1) : ""}}},
            {"stageVariables", nullptr},
            {"requestContext",
             {{"accountId", "000000000000"},
              {"apiId", "local"},
              {"resourcePath", "/{proxy+}"},
              {"httpMethod", request.method},
              {"path", request.path},
              {"stage", "local"},
              {"requestId", request_id},
              {"requestTimeEpoch", epoch_ms},
              {"identity", {{"sourceIp", request.remote_addr}}}}},
            {"body", body},
            {"isBase64Encoded", base64}};
  }
  Json headers = Json::object();
  Json cookies = Json::array();
  for (const auto& [name, value] : request.headers) {
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT")
      continue;
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "cookie") {
      cookies.push_back(value);
      continue;
    }
    headers[lower] =
        headers.contains(lower) ? headers[lower].get<std::string>() + "," + value : value;
  }
  Json event = {{"version", "2.0"},
                {"routeKey", "$default"},
                {"rawPath", raw_path(request)},
                {"rawQueryString", raw_query(request)},
                {"headers", headers},
                {"requestContext",
                 {{"accountId", "000000000000"},
                  {"apiId", "local"},
                  {"domainName", host},
                  {"http",
                   {{"method", request.method},
                    {"path", raw_path(request)},
                    {"protocol", "HTTP/1.1"},
                    {"sourceIp", request.remote_addr},
                    {"userAgent", request.get_header_value("User-Agent")}}},
                  {"requestId", request_id},
                  {"routeKey", "$default"},
                  {"stage", "$default"},
                  {"timeEpoch", epoch_ms}}},
                {"isBase64Encoded", base64}};
  if (!cookies.empty()) event["cookies"] = cookies;
  if (!body.is_null()) event["body"] = body;
  return event;
}

void write_reply(const std::string& payload, httplib::Response& response) {
  Json reply = Json::parse(payload);
  response.status = reply.value("statusCode", 200);
  std::string content_type = "application/json";
  auto add = [&](const std::string& name, const std::string& value) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "content-type") {
      content_type = value;
    } else if (lower != "content-length") {
      response.set_header(name, value);
    }
  };
  if (auto it = reply.find("multiValueHeaders"); it != reply.end() && it->is_object()) {
    for (const auto& [name, values] : it->items())
      for (const auto& value : values) add(name, value.get<std::string>());
  } else if (auto single = reply.find("headers"); single != reply.end() && single->is_object()) {
    for (const auto& [name, value] : single->items()) add(name, value.get<std::string>());
  }
  if (auto it = reply.find("cookies"); it != reply.end() && it->is_array()) {
    for (const auto& cookie : *it) response.set_header("Set-Cookie", cookie.get<std::string>());
  }
  std::string body = reply.value("body", "");
  if (reply.value("isBase64Encoded", false)) body = base64_decode(body);
  response.set_content(body, content_type);
}

}  // namespace

int serve_http(const ServiceDefinition& service, const LocalServerOptions& options) {
  if (service.apis.empty()) {
    std::cerr << service.name << " has no APIs to serve (add src/api/<resource>/list.cpp ...)\n";
    return 2;
  }
  runtime::Handler handler;
  try {
    Router check(service.apis);  // a broken table fails here, before listening
    handler = api_handler(service.apis);
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
  std::mutex one_at_a_time;
  std::string host = options.host + ":" + std::to_string(options.port);
  httplib::Server server;
  auto serve = [&](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(one_at_a_time);
    runtime::InvocationRequest invocation;
    invocation.context.request_id = new_request_id();
    invocation.context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
    invocation.context.function_arn =
        fmt::format("arn:aws:lambda:local:000000000000:function:{}", service.name);
    invocation.payload =
        dump_json(make_event(request, options.rest_events, invocation.context.request_id, host));
    runtime::InvocationResult result = runtime::invoke_once(handler, invocation);
    if (!result.ok) {
      // What API Gateway answers when the function fails.
      response.status = 502;
      response.set_content(R"({"message":"Internal Server Error"})", "application/json");
      return;
    }
    write_reply(result.payload, response);
  };
  for (const char* pattern : {".*"}) {
    server.Get(pattern, serve);
    server.Post(pattern, serve);
    server.Put(pattern, serve);
    server.Patch(pattern, serve);
    server.Delete(pattern, serve);
    server.Options(pattern, serve);
  }
  server.set_payload_max_length(limits().max_body_bytes);  // API Gateway's request limit
  server.set_tcp_nodelay(true);
  if (!server.bind_to_port(options.host, options.port)) {
    std::cerr << "Cannot listen on " << host << " (in use?)\n";
    return 1;
  }
  std::cerr << fmt::format("Serving {} on http://{} ({} routes; `bootstrap routes` lists them)\n",
                           service.name, host, service.apis.size());
  server.listen_after_bind();
  return 0;
}

}  // namespace aws_helper
