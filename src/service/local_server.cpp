// `bootstrap serve`: the service's APIs over HTTP for local runs. Each request becomes the event
// API Gateway would send (HTTP API v2 by default, REST v1 with --rest) and runs through the very
// handler Lambda runs, one at a time as one Lambda instance would.
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

#include <httplib.h>
#include <pthread.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/service.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

using detail::is_textual_content_type;

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

// Over 60 lines: the API Gateway event built field by field, in the order of AWS's shape.
// NOLINTNEXTLINE(readability-function-size)
Json make_event(const httplib::Request& request, const std::string& raw_body, bool rest,
                const std::string& request_id, const std::string& host) {
  auto now = std::chrono::system_clock::now();
  auto epoch_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::string content_type = request.get_header_value("Content-Type");
  // A body that is not text, or not valid UTF-8 whatever its type says, travels base64-encoded
  // as API Gateway sends it: the JSON event cannot hold the bytes, and replacing them (what
  // serialising them as text would do) would store something the client never sent.
  bool base64 =
      !raw_body.empty() && (!is_textual_content_type(content_type) || !valid_utf8(raw_body));
  Json body = raw_body.empty() ? Json(nullptr) : Json(base64 ? base64_encode(raw_body) : raw_body);
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
    std::string lower = detail::lower(name);
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
    std::string lower = detail::lower(name);
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

// Over 60 lines: every route of the local server registered in one place.
// NOLINTNEXTLINE(readability-function-size)
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
  // SIGTERM / SIGINT stop the server the way a container stop should: no new connections, the
  // request in flight finishes and gets its reply, then the process exits 0. The signals are
  // blocked here, before the server's threads exist (they inherit the mask), and taken by one
  // thread of ours with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGUSR2);  // ours: wakes the waiting thread when the server ends
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  httplib::Server server;
  auto serve_body = [&](const httplib::Request& request, const std::string& raw_body,
                        httplib::Response& response) {
    std::lock_guard lock(one_at_a_time);
    runtime::InvocationRequest invocation;
    invocation.context.request_id = new_request_id();
    invocation.context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
    invocation.context.function_arn =
        fmt::format("arn:aws:lambda:local:000000000000:function:{}", service.name);
    invocation.payload = dump_json(
        make_event(request, raw_body, options.rest_events, invocation.context.request_id, host));
    runtime::InvocationResult result = runtime::invoke_once(handler, invocation);
    if (!result.ok) {
      // What API Gateway answers when the function fails.
      response.status = 502;
      response.set_content(R"({"message":"Internal Server Error"})", "application/json");
      return;
    }
    write_reply(result.payload, response);
  };
  auto serve = [&](const httplib::Request& request, httplib::Response& response) {
    serve_body(request, request.body, response);
  };
  // The methods with a body read it themselves: cpp-httplib would otherwise wait for the end of
  // the connection when a PUT or PATCH has neither Content-Length nor chunked encoding, and
  // answer an empty 400 before the service sees the request. API Gateway passes such a request
  // on with no body, and so does this server (the route then answers it: 405, or its handler).
  auto serve_reading = [&](const httplib::Request& request, httplib::Response& response,
                           const httplib::ContentReader& reader) {
    std::string body;
    if (request.has_header("Content-Length") || request.has_header("Transfer-Encoding")) {
      bool read = reader([&body](const char* data, std::size_t size) {
        body.append(data, size);
        return true;
      });
      if (!read) {  // over the body limit (cpp-httplib set 413), or the client went away
        if (response.status < 400) response.status = 400;
        response.set_content(response.status == 413 ? R"({"message":"Request Entity Too Large"})"
                                                    : R"({"message":"Bad Request"})",
                             "application/json");
        return;
      }
    }
    serve_body(request, body, response);
  };
  // [\s\S]: a path that decodes to a CR or LF ("/users/%0D%0A") is still a request for the
  // service to answer (a 404 of its own), where "." would not match and cpp-httplib would give
  // an empty 404.
  for (const char* pattern : {R"([\s\S]*)"}) {
    server.Get(pattern, serve);
    server.Post(pattern, serve_reading);
    server.Put(pattern, serve_reading);
    server.Patch(pattern, serve_reading);
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
  std::atomic<bool> listening{true};
  std::thread stopper([&] {
    int signal = 0;
    do {
      sigwait(&stop_signals, &signal);
      if (!listening) return;  // woken by the return below, not by a signal from outside
    } while (signal == SIGUSR2);
    std::cerr << fmt::format("{}: finishing the request in flight, then stopping\n",
                             signal == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stop();
  });
  bool listened = server.listen_after_bind();
  listening = false;
  pthread_kill(stopper.native_handle(), SIGUSR2);  // no-op once the stopper has returned
  stopper.join();
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  return listened ? 0 : 1;
}

}  // namespace aws_helper
