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

#include <aws_helper/deploy_template.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/openapi.hpp>
#include <aws_helper/permissions.hpp>
#include <aws_helper/sample_events.hpp>
#include <aws_helper/service.hpp>
#include <aws_helper/settings.hpp>
#include <aws_helper/version.hpp>

#include "core/text.hpp"
#include "service/custom_resource.hpp"

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
    (void)metrics::config();
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
    (void)metrics::config();  // so does a metrics namespace CloudWatch would refuse
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

// The commands that print a document: it on stdout, or the error on stderr and `failure`.
template <class Make>
int print_json(const Make& make, int failure = 1) {
  try {
    std::cout << make().dump(2) << "\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return failure;
  }
}

// `bootstrap events <kind>`'s options, one set for every kind (each reads what it needs).
struct EventsCommand {
  std::string kind;
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> headers;
  std::vector<std::string> bodies;  // "@file" reads the file
  int count = 1;
  std::string queue = "my-queue";
  std::string topic = "my-topic";
  std::string subject;
  std::string group = "group-1";
  bool fifo = false;
  bool via_sns = false;
  std::string state;
  std::string user;
  std::string data = "{}";
  std::string rule = "every-5-minutes";

  static std::string text(const std::string& value) {
    return value.size() > 1 && value.front() == '@' ? read_event(value.substr(1)) : value;
  }

  [[nodiscard]] sample_events::SessionInput session() const {
    sample_events::SessionInput out;
    if (!state.empty()) out.state = state;
    if (!user.empty()) out.user = parse_json(text(user), "--user");
    return out;
  }

  [[nodiscard]] Json http(sample_events::HttpFormat format) const {
    sample_events::HttpInput input;
    input.method = detail::upper(method);
    input.path = path.substr(0, path.find('?'));
    if (auto mark = path.find('?'); mark != std::string::npos) input.query = path.substr(mark + 1);
    for (const auto& header : headers) {
      auto colon = header.find(':');
      if (colon == std::string::npos) throw ValueError("--header must be 'Name: value'");
      input.headers.emplace_back(detail::trim(header.substr(0, colon)),
                                 detail::trim(header.substr(colon + 1)));
    }
    if (!bodies.empty()) input.body = text(bodies.front());
    bool typed = false;
    for (const auto& [name, value] : input.headers)
      typed = typed || detail::lower(name) == "content-type";
    if (!input.body.empty() && !typed)
      input.headers.emplace_back("content-type", "application/json");
    return sample_events::http_event(format, input);
  }

  [[nodiscard]] Json make() const {
    if (auto format = sample_events::http_format(kind)) return http(*format);
    if (kind == "sqs") {
      sample_events::SqsInput input;
      for (const auto& body : bodies) input.bodies.push_back(text(body));
      input.count = count;
      input.queue = queue;
      input.fifo = fifo;
      input.group_id = group;
      input.via_sns = via_sns;
      input.topic = topic;
      input.session = session();
      return sample_events::sqs_event(input);
    }
    if (kind == "sns") {
      sample_events::SnsInput input;
      if (!bodies.empty()) input.message = text(bodies.front());
      input.topic = topic;
      input.subject = subject;
      input.session = session();
      return sample_events::sns_event(input);
    }
    if (kind == "lambda")
      return sample_events::lambda_event(parse_json(text(data), "--data"), session());
    if (kind == "schedule") return sample_events::schedule_event(rule);
    throw ValueError("Unknown event kind '" + excerpt(kind) +
                     "'; kinds: rest, http, function-url, alb, sqs, sns, lambda, schedule");
  }
};

// Over 60 lines: the options of every kind declared in one place, as --help shows them.
// NOLINTNEXTLINE(readability-function-size)
CLI::App* add_events_command(CLI::App& app, EventsCommand& events) {
  auto* cmd = app.add_subcommand(
      "events",
      "Print a sample event to invoke: rest, http, function-url, alb, sqs, sns, "
      "lambda or schedule (e.g. `bootstrap events sqs --count 2 | bootstrap invoke "
      "sqs:orders --event -`)");
  cmd->add_option("kind", events.kind,
                  "rest | http | function-url | alb | sqs | sns | lambda | schedule")
      ->required()
      ->check(CLI::IsMember(
          {"rest", "http", "function-url", "alb", "sqs", "sns", "lambda", "schedule"}));
  cmd->add_option("-X,--method", events.method, "HTTP kinds: the method (default GET)");
  cmd->add_option("--path", events.path, "HTTP kinds: the path, with its ?query (default /)");
  cmd->add_option("-H,--header", events.headers, "HTTP kinds: 'Name: value' (repeatable)");
  cmd->add_option("-d,--body", events.bodies,
                  "The body (HTTP), a record's body (sqs, repeatable: one record each) or the "
                  "message (sns); @file reads a file");
  cmd->add_option("--count", events.count, "sqs: records of a sample body (default 1)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--queue", events.queue, "sqs: the queue's name (default my-queue)");
  cmd->add_flag("--fifo", events.fifo, "sqs: a FIFO queue (name .fifo, group, sequence number)");
  cmd->add_option("--group", events.group, "sqs --fifo: MessageGroupId (default group-1)");
  cmd->add_flag("--via-sns", events.via_sns,
                "sqs: each body is SNS's envelope, as a topic subscription delivers it");
  cmd->add_option("--topic", events.topic, "sns, sqs --via-sns: the topic's name");
  cmd->add_option("--subject", events.subject, "sns: the subject");
  cmd->add_option("--state", events.state,
                  "sqs, sns, lambda: the session's state (the session attribute / key)");
  cmd->add_option("--user", events.user, "sqs, sns, lambda: the session's user, JSON (or @file)");
  cmd->add_option("--data", events.data, "lambda: the data, JSON (or @file; default {})");
  cmd->add_option("--rule", events.rule, "schedule: the EventBridge rule's name");
  return cmd;
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
    if (detail::is_custom_resource_request(event)) {
      return dump_json(detail::run_custom_resource(event, [&](const Json& wrapped) {
        return run_lambda(*lambda, wrapped, request.context, entry.class_name);
      }));
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
  try {
    metrics::set_default_service(service.name);
    (void)metrics::config();  // a metrics namespace CloudWatch would refuse fails the task here
  } catch (const std::exception& error) {
    logger().error("{}", error.what());
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
    int status = 1;
    try {
      status = task->run(entry.class_name);
    } catch (...) {
      // run() turns every std::exception into exit code 1; this is the rest (a thrown int, a
      // foreign exception type), which must not terminate the container with SIGABRT.
      logger().error(
          "Task failed: {} threw an exception that does not derive from "
          "std::exception",
          entry.class_name);
    }
    // The task's metrics, whatever its outcome, before the container exits.
    metrics::detail::end_task();
    return status;
  }
  std::vector<std::string> known;
  for (const auto& entry : service.tasks) known.emplace_back(entry.name);
  logger().error("Unknown task '{}'. Known tasks: {}", task_name,
                 known.empty() ? "(none)" : join(known, ", "));
  return 1;
}

std::optional<runtime::Handler> find_handler(const ServiceDefinition& service,
                                             std::string_view handler) {
  // The service dimension of the metrics, unless SERVICE_NAME names it.
  metrics::set_default_service(service.name);
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
  metrics::set_default_service(service.name);
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

  OpenApiOptions openapi_options;
  openapi_options.title = std::string(service.name);
  auto* openapi_cmd = app.add_subcommand(
      "openapi", "Print the APIs as an OpenAPI 3.1 document (JSON), from the routes and schemas");
  openapi_cmd->add_option("--server", openapi_options.servers,
                          "A server URL for the document (repeatable; default \"/\")");
  openapi_cmd->add_option("--title", openapi_options.title, "info.title (default: the service)");
  openapi_cmd->add_option("--api-version", openapi_options.version, "info.version (default 1.0.0)");

  TemplateOptions template_options;
  std::string template_kind;
  auto* template_cmd = app.add_subcommand(
      "template", "Print the service's infrastructure as an AWS SAM template (JSON)");
  template_cmd->add_option("kind", template_kind, "sam")->required()->check(CLI::IsMember({"sam"}));
  template_cmd->add_option("--code-uri", template_options.code_uri,
                           "The functions' CodeUri (default: <service>.zip)");
  template_cmd->add_option("--image", template_options.image,
                           "The tasks' container image (default: a TaskImage parameter)");
  template_cmd->add_option("--memory", template_options.memory_mb, "MemorySize in MB (default 256)")
      ->check(CLI::Range(128, 10240));
  template_cmd->add_option("--timeout", template_options.timeout_s, "Timeout in s (default 30)")
      ->check(CLI::Range(1, 900));

  LocalServerOptions local;
  auto* serve_cmd =
      app.add_subcommand("serve",
                         "Serve the APIs over HTTP locally (each request runs as a Lambda "
                         "invocation of the `api` handler)");
  serve_cmd->add_option("-p,--port", local.port, "Port (default 3000)");
  serve_cmd->add_option("--host", local.host, "Address to listen on (default 127.0.0.1)");
  serve_cmd->add_option("--swagger-ui", local.swagger_ui,
                        "swagger-ui-dist's folder for /docs (default: $AWS_HELPER_SWAGGER_UI, "
                        "./node_modules/swagger-ui-dist, else a CDN)");
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

  EventsCommand events;
  auto* events_cmd = add_events_command(app, events);

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
    return print_json(
        [&] { return permissions::catalog(service.apis, permissions::service_code()); });
  }
  if (*settings_cmd) return print_json([] { return settings::declared_json(); });
  if (*openapi_cmd) {
    return print_json([&] { return openapi_document(service.apis, openapi_options); });
  }
  if (*template_cmd) return print_json([&] { return sam_template(service, template_options); });
  if (*events_cmd) return print_json([&] { return events.make(); }, 2);
  if (*serve_cmd) return serve_http(service, local);
  if (*invoke) return invoke_locally(service, invoke_name, event_path, repeat);
  return serve(service, handler_name);
}

}  // namespace aws_helper
