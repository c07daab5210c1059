// `bootstrap serve`: the service's APIs over HTTP for local runs. Each request becomes the event
// API Gateway would send (HTTP API v2 by default, REST v1 with --rest) and runs through the very
// handler Lambda runs, one at a time as one Lambda instance would.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <pthread.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo_config.hpp>
#include <aws_helper/openapi.hpp>
#include <aws_helper/sample_events.hpp>
#include <aws_helper/service.hpp>
#include <aws_helper/trace.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

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

// The trace of a request, as API Gateway makes it: the client's X-Amzn-Trace-Id when it is a
// valid one, else a new trace (a malformed header is dropped, never passed on).
std::string request_trace(const httplib::Request& request) {
  auto given = trace::sanitize(request.get_header_value(std::string(trace::kHttpHeader)));
  return given.empty() ? trace::new_root() : given;
}

// The event API Gateway would send for this request (aws_helper/sample_events.hpp), with the
// request's trace as its X-Amzn-Trace-Id header.
Json make_event(const httplib::Request& request, const std::string& raw_body, bool rest,
                const std::string& request_id, const std::string& host,
                const std::string& trace_header) {
  sample_events::HttpInput input;
  input.method = request.method;
  input.path = raw_path(request);
  input.query = raw_query(request);
  for (const auto& [name, value] : request.headers) {
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT" || detail::lower(name) == "x-amzn-trace-id")
      continue;
    input.headers.emplace_back(name, value);
  }
  input.headers.emplace_back(std::string(trace::kHttpHeader), trace_header);
  input.body = raw_body;
  input.source_ip = request.remote_addr;
  input.request_id = request_id;
  input.domain = host;
  return sample_events::http_event(
      rest ? sample_events::HttpFormat::rest_v1 : sample_events::HttpFormat::http_v2, input);
}

// Swagger UI's files: --swagger-ui, AWS_HELPER_SWAGGER_UI, or ./node_modules/swagger-ui-dist
// (what `npm install swagger-ui-dist` makes); empty when none holds swagger-ui-bundle.js.
std::filesystem::path swagger_ui_dir(const std::string& option) {
  std::vector<std::filesystem::path> candidates;
  if (!option.empty()) candidates.emplace_back(option);
  if (auto configured = get_env("AWS_HELPER_SWAGGER_UI")) candidates.emplace_back(*configured);
  candidates.emplace_back("node_modules/swagger-ui-dist");
  for (const auto& dir : candidates) {
    std::error_code error;
    if (std::filesystem::is_regular_file(dir / "swagger-ui-bundle.js", error)) return dir;
  }
  return {};
}

// The /docs page: Swagger UI on /openapi.json. Its files come from `assets` ("/docs/" when
// served from a local swagger-ui-dist, the jsDelivr CDN otherwise, as FastAPI does).
std::string docs_page(std::string_view title, std::string_view assets) {
  return fmt::format(R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{0} - Swagger UI</title>
<link rel="stylesheet" href="{1}swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{1}swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis]
}});
</script>
</body>
</html>
)",
                     title, assets);
}

std::string_view asset_type(const std::filesystem::path& file) {
  auto extension = file.extension().string();
  if (extension == ".js") return "application/javascript";
  if (extension == ".css") return "text/css";
  if (extension == ".png") return "image/png";
  if (extension == ".map" || extension == ".json") return "application/json";
  if (extension == ".html") return "text/html";
  return "application/octet-stream";
}

// MongoDB, said at start: not configured, or configured but not answering on its port. A
// service without one answers its database routes with errors, so the developer hears of it
// before the first request rather than from a 500.
void check_mongodb() {
  std::string uri;
  try {
    uri = mongo::connection_string_from_env();
  } catch (const std::exception&) {
    std::cerr << "Note: no MongoDB is configured (set MONGODB_URI, MONGO_DB_URI or "
                 "MONGO_DB_HOST); requests that use the database will fail. `scripts/dev` "
                 "starts FerretDB for you.\n";
    return;
  }
  constexpr std::string_view scheme = "mongodb://";
  if (uri.rfind(scheme, 0) != 0) return;  // mongodb+srv://: resolved by the driver, not probed
  std::string rest = uri.substr(scheme.size());
  rest = rest.substr(0, rest.find_first_of("/?"));
  rest = rest.substr(rest.rfind('@') == std::string::npos ? 0 : rest.rfind('@') + 1);
  rest = rest.substr(0, rest.find(','));
  std::string host = rest;
  std::string port = "27017";
  if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.back() != ']') {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  int port_number = 0;
  try {
    port_number = std::stoi(port);
  } catch (const std::exception&) {
    return;
  }
  // Only the connection matters: MongoDB answers an HTTP request with a text or closes it,
  // and either means something listens there.
  httplib::Client probe(host, port_number);
  probe.set_connection_timeout(1);
  probe.set_read_timeout(1);
  auto result = probe.Get("/");
  if (!result && result.error() == httplib::Error::Connection) {
    std::cerr << fmt::format(
        "Note: MongoDB at {}:{} does not answer; requests that use the database will fail "
        "until it does.\n",
        host, port_number);
  }
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

// /openapi.json and /docs (Swagger UI), unless the service has its own routes there.
void add_docs(httplib::Server& server, const ServiceDefinition& service, const Router& router,
              const LocalServerOptions& options) {
  for (const char* path : {"/openapi.json", "/docs"}) {
    if (router.route("GET", path).entry != nullptr) {
      std::cerr << fmt::format("Note: {} is one of the service's routes; no Swagger UI served\n",
                               path);
      return;
    }
  }
  OpenApiOptions openapi;
  openapi.title = std::string(service.name);
  // Made once, at start, as the `api` handler reads its settings once.
  auto document =
      std::make_shared<const std::string>(dump_json(openapi_document(service.apis, openapi)));
  server.Get("/openapi.json", [document](const httplib::Request&, httplib::Response& response) {
    response.set_content(*document, "application/json");
  });
  auto dir = swagger_ui_dir(options.swagger_ui);
  if (dir.empty()) {
    std::cerr << "Note: Swagger UI's files are not installed here (`npm install "
                 "swagger-ui-dist`, or set AWS_HELPER_SWAGGER_UI); /docs loads them from "
                 "cdn.jsdelivr.net\n";
  }
  auto page = std::make_shared<const std::string>(docs_page(
      service.name, dir.empty() ? "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/" : "/docs/"));
  server.Get("/docs", [page](const httplib::Request&, httplib::Response& response) {
    response.set_content(*page, "text/html; charset=utf-8");
  });
  if (dir.empty()) return;
  // Only plain file names of the package's top folder: no path reaches outside it.
  server.Get(R"(/docs/([A-Za-z0-9_][A-Za-z0-9._-]*))",
             [dir](const httplib::Request& request, httplib::Response& response) {
               auto file = dir / request.matches[1].str();
               std::ifstream in(file, std::ios::binary);
               if (!in) {
                 response.status = 404;
                 return;
               }
               std::ostringstream bytes;
               bytes << in.rdbuf();
               response.set_content(bytes.str(), std::string(asset_type(file)));
             });
}

// One line per request on stderr, as `sam local start-api` prints: method, target, status,
// bytes and time.
void log_requests(httplib::Server& server) {
  static thread_local std::chrono::steady_clock::time_point started;
  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    started = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&now, &local);
    std::cerr << fmt::format("{:02}:{:02}:{:02} {} \"{} {}\" {} {} B {:.1f} ms\n", local.tm_hour,
                             local.tm_min, local.tm_sec, request.remote_addr, request.method,
                             excerpt(request.target, 200), response.status, response.body.size(),
                             ms);
  });
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
  std::optional<Router> router;
  try {
    router.emplace(service.apis);  // a broken table fails here, before listening
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
    // The invocation's trace, as Lambda's Lambda-Runtime-Trace-Id would give it.
    invocation.context.trace_id = request_trace(request);
    invocation.payload =
        dump_json(make_event(request, raw_body, options.rest_events, invocation.context.request_id,
                             host, invocation.context.trace_id));
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
  add_docs(server, service, *router, options);
  for (const char* pattern : {R"([\s\S]*)"}) {
    server.Get(pattern, serve);
    server.Post(pattern, serve_reading);
    server.Put(pattern, serve_reading);
    server.Patch(pattern, serve_reading);
    server.Delete(pattern, serve);
    server.Options(pattern, serve);
  }
  log_requests(server);
  server.set_payload_max_length(limits().max_body_bytes);  // API Gateway's request limit
  server.set_tcp_nodelay(true);
  if (!server.bind_to_port(options.host, options.port)) {
    std::cerr << "Cannot listen on " << host << " (in use?)\n";
    return 1;
  }
  std::cerr << fmt::format(
      "Serving {} on http://{} ({} routes; `bootstrap routes` lists them; Swagger UI at "
      "http://{}/docs)\n",
      service.name, host, service.apis.size(), host);
  check_mongodb();
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
