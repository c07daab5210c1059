#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>

#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/permissions.hpp>
#include <aws_helper/service.hpp>
#include <aws_helper/settings.hpp>
#include <aws_helper/version.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

constexpr std::string_view kLambdaPrefix = "lambda:";
constexpr std::string_view kSqsPrefix = "sqs:";

const Logger& logger() {
  static const Logger instance{"aws_helper.service"};
  return instance;
}

using detail::join;

std::string unknown_handler_message(const ServiceDefinition& service, std::string_view handler) {
  auto known = handler_names(service);
  return fmt::format("Unknown handler '{}'. Known handlers: {}", handler,
                     known.empty() ? "(none)" : join(known, ", "));
}

std::string read_event(const std::string& path) {
  if (path.empty()) return "{}";
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigurationError("Cannot read the event file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string local_request_id() {
  std::random_device device;
  return fmt::format("local-{:08x}{:08x}", device(), device());
}

// Log lines go to stderr during a local invocation, so stdout holds only the reply.
void stderr_sink(std::string_view line, void* /*user*/) {
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
}

// `--repeat N`: the handler's warm time in this process, without the Runtime API's HTTP, to
// stderr. The first invocation (the one that makes pools and connections) is shown apart.
void report_timings(std::vector<double> micros) {
  double first = micros.front();
  micros.erase(micros.begin());
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * double(micros.size() - 1))];
  };
  std::cerr << fmt::format(
      "{} invocations: first {:.1f} us; then p50 {:.1f} us, p90 {:.1f} us, p99 {:.1f} us\n",
      micros.size() + 1, first, at(0.5), at(0.9), at(0.99));
}

int invoke_locally(const ServiceDefinition& service, const std::string& name,
                   const std::string& event_path, int repeat) {
  std::optional<runtime::Handler> handler;
  try {
    (void)limits();
    handler = find_handler(service, name);
  } catch (const Error& error) {
    std::cerr << error.error_type() << ": " << error.what() << "\n";
    return 1;
  }
  if (!handler) {
    std::cerr << unknown_handler_message(service, name) << "\n";
    return 2;
  }
  runtime::InvocationRequest request;
  try {
    request.payload = read_event(event_path);
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }
  long long timeout_s = 300;
  if (auto configured = get_env("AWS_LAMBDA_FUNCTION_TIMEOUT")) {
    try {
      timeout_s = std::stoll(*configured);
    } catch (const std::exception&) {  // keep the default
    }
  }
  request.context.request_id = local_request_id();
  request.context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(timeout_s);
  request.context.function_arn =
      fmt::format("arn:aws:lambda:local:000000000000:function:{}", service.name);
  log::set_sink(stderr_sink, nullptr);
  runtime::InvocationResult result;
  std::vector<double> micros;
  for (int i = 0; i < std::max(repeat, 1); ++i) {
    auto start = std::chrono::steady_clock::now();
    result = runtime::invoke_once(*handler, request);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  log::set_sink(nullptr, nullptr);
  if (repeat > 1) report_timings(std::move(micros));
  if (result.ok) {
    std::cout << result.payload << std::endl;
    return 0;
  }
  std::cout << runtime::error_payload(result.error_type, result.error_message) << std::endl;
  return 1;
}

int serve(const ServiceDefinition& service, std::string handler_name) {
  if (handler_name.empty()) handler_name = get_env_or("_HANDLER", "");
  runtime::RunOptions options;
  if (!get_env("AWS_LAMBDA_RUNTIME_API")) {
    std::cerr << "AWS_LAMBDA_RUNTIME_API is not set: this serves a handler through the Lambda "
                 "Runtime API.\nRun it under Lambda or the emulator, or use `bootstrap invoke "
              << (handler_name.empty() ? "<handler>" : handler_name)
              << " --event event.json` to run it once locally.\nHandlers: "
              << join(handler_names(service), ", ") << "\n";
    return 2;
  }
  if (handler_name.empty()) {
    runtime::report_init_error(
        "Runtime.NoHandler",
        "No handler given: set _HANDLER (the function's handler setting) or pass it as the "
        "first argument. Known handlers: " +
            join(handler_names(service), ", "));
    return 1;
  }
  std::optional<runtime::Handler> handler;
  try {
    (void)limits();  // a malformed limit setting fails here, not at the first request
    handler = find_handler(service, handler_name);
  } catch (const Error& error) {
    runtime::report_init_error(error.error_type(), error.what());
    return 1;
  }
  if (!handler) {
    runtime::report_init_error("Runtime.UnknownHandler",
                               unknown_handler_message(service, handler_name));
    return 1;
  }
  return runtime::run(*handler, options);
}

}  // namespace

std::vector<std::string> handler_names(const ServiceDefinition& service) {
  std::vector<std::string> names;
  for (const auto& entry : service.lambdas) {
    names.push_back(std::string(kLambdaPrefix) + std::string(entry.name));
  }
  for (const auto& entry : service.consumers) {
    names.push_back(std::string(kSqsPrefix) + std::string(entry.name));
  }
  if (!service.apis.empty()) names.emplace_back("api");
  std::sort(names.begin(), names.end());
  return names;
}

runtime::Handler api_handler(std::span<const ApiEntry> apis) {
  // Made here, at start: a route table that does not build or a setting that does not parse
  // (AUTHORIZATION, CORS) stops the service before its first request.
  auto dispatcher = std::make_shared<const ApiDispatcher>(apis);
  return [dispatcher](const runtime::InvocationRequest& request) -> std::string {
    Json event;
    try {
      event = parse_json(request.payload, "The event");
    } catch (const std::exception& error) {
      logger().warn("Refused an event that is not JSON: {}", error.what());
      HttpRequest shape;
      shape.source = EventSource::rest_v1;
      HttpResponse response;
      response.status = 400;
      response.headers.set("Content-Type", "application/json");
      response.body = dump_json({{"error", "Bad Request"}, {"message", error.what()}});
      return dump_json(format_http_reply(shape, std::move(response)));
    }
    return dump_json(dispatcher->handle(event, request.context));
  };
}

runtime::Handler lambda_handler(const LambdaEntry& entry) {
  return [&entry](const runtime::InvocationRequest& request) -> std::string {
    Json event;
    std::unique_ptr<Lambda> lambda;
    try {
      event = parse_json(request.payload, "The event");
      lambda = entry.make();
    } catch (const std::exception& error) {
      logger().error("Error in Lambda execution: {}", error.what());
      return dump_json(error_envelope(error));
    }
    return dump_json(run_lambda(*lambda, event, request.context, entry.class_name));
  };
}

runtime::Handler sqs_handler(const ConsumerEntry& entry) {
  return [&entry](const runtime::InvocationRequest& request) -> std::string {
    // An event that is not an SQS event fails the invocation: SQS then retries every message,
    // which is the only safe answer when the records cannot be named.
    Json event = parse_json(request.payload, "The SQS event");
    std::unique_ptr<SQSConsumer> consumer;
    try {
      consumer = entry.make();
    } catch (const std::exception& error) {
      logger().error("Cannot create {}: {}", entry.class_name, error.what());
      return dump_json(sqs_failure_reply(event, error));
    }
    return dump_json(serialize_mongo_types(consumer->run(event, entry.class_name)));
  };
}

int run_task(const ServiceDefinition& service, std::string_view name) {
  std::string task_name(name);
  if (task_name.empty()) task_name = get_env_or("TASK_NAME", "");
  if (task_name.empty()) {
    logger().error("No task named: give `bootstrap task <name>` or set TASK_NAME");
    return 1;
  }
  for (const auto& entry : service.tasks) {
    if (entry.name != task_name) continue;
    std::unique_ptr<FargateTask> task;
    try {
      task = entry.make();
    } catch (const std::exception& error) {
      logger().error("Cannot create {}: {}", entry.class_name, error.what());
      return 1;
    }
    try {
      return task->run(entry.class_name);
    } catch (...) {
      // run() turns every std::exception into exit code 1; this is the rest (a thrown int, a
      // foreign exception type), which must not terminate the container with SIGABRT.
      logger().error(
          "Task failed: {} threw an exception that does not derive from "
          "std::exception",
          entry.class_name);
      return 1;
    }
  }
  std::vector<std::string> known;
  for (const auto& entry : service.tasks) known.emplace_back(entry.name);
  logger().error("Unknown task '{}'. Known tasks: {}", task_name,
                 known.empty() ? "(none)" : join(known, ", "));
  return 1;
}

std::optional<runtime::Handler> find_handler(const ServiceDefinition& service,
                                             std::string_view handler) {
  if (handler == "api" && !service.apis.empty()) return api_handler(service.apis);
  if (handler.substr(0, kSqsPrefix.size()) == kSqsPrefix) {
    // The seed's spelling (sqs_handler('title-indexed')) and the file's (title_indexed) both work.
    std::string name(handler.substr(kSqsPrefix.size()));
    std::replace(name.begin(), name.end(), '_', '-');
    for (const auto& entry : service.consumers) {
      if (entry.name == name) return sqs_handler(entry);
    }
  }
  if (handler.substr(0, kLambdaPrefix.size()) == kLambdaPrefix) {
    auto name = handler.substr(kLambdaPrefix.size());
    for (const auto& entry : service.lambdas) {
      if (entry.name == name) return lambda_handler(entry);
    }
  }
  return std::nullopt;
}

// Over 60 lines: the bootstrap's subcommands dispatched in one place, as a main() does.
// NOLINTNEXTLINE(readability-function-size)
int service_main(int argc, char** argv, const ServiceDefinition& service) {
  CLI::App app{fmt::format("{}: AWS Lambda bootstrap built with aws-cpp-helper", service.name)};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(0, 1);

  std::string handler_name;
  app.add_option("handler", handler_name,
                 "Handler to serve through the Runtime API (default: $_HANDLER), e.g. "
                 "lambda:generate-route");

  auto* list = app.add_subcommand("handlers", "List the handlers of this service");
  auto* routes = app.add_subcommand("routes", "List the API routes of this service");
  auto* permissions_cmd = app.add_subcommand(
      "permissions",
      "Print the permission catalog of the APIs as JSON (AUTHORIZATION=permission), for core");
  auto* settings_cmd = app.add_subcommand(
      "settings", "Print the declared service settings as JSON (code, type, default), for core");

  LocalServerOptions local;
  auto* serve_cmd =
      app.add_subcommand("serve",
                         "Serve the APIs over HTTP locally (each request runs as a Lambda "
                         "invocation of the `api` handler)");
  serve_cmd->add_option("-p,--port", local.port, "Port (default 3000)");
  serve_cmd->add_option("--host", local.host, "Address to listen on (default 127.0.0.1)");
  serve_cmd->add_flag("--rest", local.rest_events,
                      "Send REST API (v1) events instead of HTTP API (v2) ones");

  std::string invoke_name;
  std::string event_path;
  auto* invoke = app.add_subcommand("invoke", "Run one handler once, locally, and print its reply");
  invoke->add_option("handler", invoke_name, "Handler, e.g. lambda:generate-route")->required();
  invoke->add_option("-e,--event", event_path, "Event file ('-' for stdin; default: {})");
  int repeat = 1;
  invoke
      ->add_option("--repeat", repeat,
                   "Run it N times in this process and print the warm timings to stderr")
      ->check(CLI::Range(1, 10000000));

  std::string task_name;
  auto* task_cmd = app.add_subcommand("task", "Run a Fargate task once; exit code 0 or 1");
  task_cmd->add_option("name", task_name, "Task, e.g. search-tax-by-town (default: $TASK_NAME)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }

  if (*list) {
    for (const auto& name : handler_names(service)) std::cout << name << "\n";
    for (const auto& entry : service.tasks) std::cout << "task " << entry.name << "\n";
    return 0;
  }
  if (*task_cmd) return run_task(service, task_name);
  if (*routes) {
    try {
      Router router(service.apis);
      auto table = router.routes();
      if (table.empty()) std::cout << "(no APIs: add src/api/<resource>/list.cpp and friends)\n";
      for (const auto& route : table) {
        std::cout << fmt::format("{:<7} {:<40} {:<32} {}\n", route.method, route.pattern,
                                 route.entry->class_name, route.entry->source);
      }
    } catch (const std::exception& error) {
      std::cerr << error.what() << "\n";
      return 1;
    }
    return 0;
  }
  if (*permissions_cmd) {
    try {
      std::cout << permissions::catalog(service.apis, permissions::service_code()).dump(2) << "\n";
    } catch (const std::exception& error) {
      std::cerr << error.what() << "\n";
      return 1;
    }
    return 0;
  }
  if (*settings_cmd) {
    std::cout << settings::declared_json().dump(2) << "\n";
    return 0;
  }
  if (*serve_cmd) return serve_http(service, local);
  if (*invoke) return invoke_locally(service, invoke_name, event_path, repeat);
  return serve(service, handler_name);
}

}  // namespace aws_helper
