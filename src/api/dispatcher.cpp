#include <algorithm>
#include <typeinfo>

#include <aws_helper/api.hpp>
#include <aws_helper/base64.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/jwt.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/permissions.hpp>
#include <aws_helper/state_validator.hpp>
#include <aws_helper/trace.hpp>

#include "core/text.hpp"

namespace aws_helper {

// ---- dispatch -------------------------------------------------------------------------------

namespace {

const Logger& logger() {
  static const Logger instance{"aws_helper.api"};
  return instance;
}

struct Cors {
  std::vector<std::string> origins;
  std::string allow_headers;
  std::string methods;
  std::string expose;

  // The default allowed headers follow STATE_HEADER.
  static Cors from_env(const std::string& state_header) {
    Cors cors;
    cors.origins = detail::split_list(get_env_or("CORS_ALLOW_ORIGINS", "*"));
    cors.allow_headers = get_env_or("CORS_ALLOW_HEADERS",
                                    "Content-Type,Authorization,Idempotency-Key," + state_header);
    cors.methods = get_env_or("CORS_ALLOW_METHODS", "GET,POST,PUT,PATCH,DELETE,OPTIONS");
    cors.expose = get_env_or("CORS_EXPOSE_HEADERS", "X-Total-Count");
    return cors;
  }

  void apply(const HttpRequest& request, Headers& headers, bool preflight) const {
    std::string origin;
    if (std::find(origins.begin(), origins.end(), "*") != origins.end()) {
      origin = "*";
    } else if (auto given = request.headers.get("origin");
               given && std::find(origins.begin(), origins.end(), *given) != origins.end()) {
      origin = *given;
      headers.set("Vary", "Origin");
    }
    if (origin.empty()) return;  // not an allowed origin: no CORS headers at all
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Allow-Headers", allow_headers);
    headers.set("Access-Control-Allow-Methods", methods);
    if (!expose.empty() && !preflight) headers.set("Access-Control-Expose-Headers", expose);
    if (preflight) headers.set("Access-Control-Max-Age", "600");
  }
};

std::vector<std::string> base_paths_from_env() {
  return detail::split_list(get_env_or("API_BASE_PATHS", ""));
}

Json query_json(const QueryParameters& query) {
  Json data = Json::object();
  for (const auto& [name, value] : query) {
    auto it = data.find(name);
    if (it == data.end()) {
      data[name] = value;
    } else {
      if (!it->is_array()) *it = Json::array({*it});
      it->push_back(value);
    }
  }
  return data;
}

// data(): the query for GET and HEAD, the body otherwise.
Json request_data(const HttpRequest& request) {
  if (request.method == "GET" || request.method == "HEAD") return query_json(request.query);
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  std::string type = detail::lower(request.headers.get_or("content-type", ""));
  if (type.find("application/x-www-form-urlencoded") != std::string::npos)
    return query_json(parse_query_string(request.body));
  bool json_like = type.empty() || type.find("json") != std::string::npos ||
                   type.find("text/plain") != std::string::npos;
  if (!json_like) return Json::object();  // binary, multipart, ...: raw_body()
  Json parsed = parse_json(request.body, "The request body");
  return detail::falsy(parsed) ? Json::object() : parsed;
}

// aws_helper/limits.hpp, before anything walks the request (query_json is linear per key).
void check_limits(const HttpRequest& request) {
  const Limits& limit = limits();
  if (request.body.size() > limit.max_body_bytes) {
    throw PayloadTooLargeError("The request body is larger than " +
                               std::to_string(limit.max_body_bytes) + " bytes");
  }
  if (request.query.size() > limit.max_query_parameters) {
    throw ValueError("The request has more than " + std::to_string(limit.max_query_parameters) +
                     " query parameters");
  }
  if (request.headers.size() > limit.max_headers) {
    throw ValueError("The request has more than " + std::to_string(limit.max_headers) +
                     " header values");
  }
}

Json error_body(int status, const std::string& message, const std::string& request_id) {
  Json body = {{"error", std::string(reason_phrase(status))}, {"message", message}};
  if (!request_id.empty()) body["request_id"] = request_id;
  return body;
}

HttpResponse json_response(int status, const Json& body) {
  HttpResponse response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = dump_json(body);
  return response;
}

// An exception as a reply. 4xx: the message is the exception's. 5xx: a generic text and the
// request id; the exception goes to the log.
HttpResponse error_response(const std::exception_ptr& failure, const std::string& request_id,
                            const Logger& log) {
  int status = 500;
  std::string message;
  std::string type;
  Json details;
  try {
    std::rethrow_exception(failure);
  } catch (const SchemaValidationError& error) {
    status = error.http_status();
    message = error.what();
    type = error.error_type();
    details = error.details();
  } catch (const Error& error) {
    status = error.http_status();
    message = error.what();
    type = error.error_type();
  } catch (const std::exception& error) {
    message = error.what();
    type = error_type_of(error);
  } catch (...) {
    message = "a non-standard exception";
    type = "unknown";
  }
  if (status < 400 || status > 599) status = 500;
  if (status >= 500) {
    log.error("{} while handling the request: {}", type, message);
    return json_response(status,
                         error_body(status, std::string(reason_phrase(status)), request_id));
  }
  log.info("{} {}: {}", status, type, message);
  Json body = error_body(status, message, request_id);
  if (!details.is_null()) body["details"] = std::move(details);
  return json_response(status, body);
}

}  // namespace

// Read once, at start: a setting that is wrong fails the cold start, never a request.
struct ApiDispatcher::Settings {
  std::string state_header = state_header_name();
  Cors cors = Cors::from_env(state_header);
  std::vector<std::string> base_paths = base_paths_from_env();
  AuthMode auth_mode = auth_mode_from_env();
  AuthStrategy strategy = checked_strategy();
  bool requires_state = requires_state_from_env();
  std::string service = permissions::service_code();

  static AuthStrategy checked_strategy() {
    AuthStrategy strategy = auth_strategy_from_env();
    if (strategy == AuthStrategy::jwt) JwtValidator::check_configuration();
    return strategy;
  }
};

ApiDispatcher::ApiDispatcher(std::span<const ApiEntry> apis)
    : router_(apis), settings_(std::make_unique<const Settings>()) {}
ApiDispatcher::~ApiDispatcher() = default;
ApiDispatcher::ApiDispatcher(ApiDispatcher&&) noexcept = default;
ApiDispatcher& ApiDispatcher::operator=(ApiDispatcher&&) noexcept = default;

Json ApiDispatcher::handle(const Json& event, const runtime::InvocationContext& context) const {
  HttpRequest request;
  try {
    request = parse_http_event(event, settings_->base_paths);
  } catch (const std::exception& error) {
    // Not an HTTP event (or a malformed one): answer in the REST shape, which every
    // integration understands.
    logger().warn("Refused an event that is not a valid HTTP request: {}", error.what());
    request.source = EventSource::rest_v1;
    HttpResponse response = json_response(400, error_body(400, error.what(), context.request_id));
    return format_http_reply(request, std::move(response));
  }
  HttpRequest copy_for_reply;
  copy_for_reply.source = request.source;
  copy_for_reply.multi_value_headers = request.multi_value_headers;
  return format_http_reply(copy_for_reply, handle(std::move(request), context));
}

// One request through the stages, in the order they run:
//   route -> make -> authenticate -> bind -> run -> respond.
// A stage that can answer by itself (OPTIONS, 404, 405) returns the reply; one that refuses
// throws, and handle() turns the exception into its status (error_response).
struct ApiDispatcher::Call {
  Call(const ApiDispatcher& owner, const runtime::InvocationContext& invocation, HttpRequest http)
      : dispatcher(owner),
        context(invocation),
        request_id(invocation.request_id.empty() ? http.request_id : invocation.request_id),
        request(std::move(http)) {}

  const ApiDispatcher& dispatcher;
  const runtime::InvocationContext& context;
  std::string request_id;
  HttpRequest request;  // moves into the API in make()
  std::unique_ptr<API> api;
  const ApiEntry* entry = nullptr;
  const Logger* log = &logger();

  [[nodiscard]] const Cors& cors() const { return dispatcher.settings_->cors; }
  [[nodiscard]] const HttpRequest& current() const { return api ? api->request() : request; }

  // The route API Gateway matched, when it names one of ours; else the walk of the tree.
  [[nodiscard]] Router::Match route() const {
    check_limits(request);
    const Router& router = dispatcher.router_;
    if (!request.route_template.empty()) {
      if (auto known =
              router.route_template(request.method, request.route_template, request.path)) {
        return std::move(*known);
      }
    }
    return router.route(request.method, request.path);
  }

  // The reply when no API runs: a preflight, or no API for this method (405) or path (404).
  [[nodiscard]] std::optional<HttpResponse> answer_without_api(const Router::Match& match) const {
    if (request.method != "OPTIONS" && match.entry != nullptr) return std::nullopt;
    if (request.method == "OPTIONS" && !match.path_known) {
      throw NotFoundError("No route for OPTIONS " + request.path);
    }
    HttpResponse response;
    if (request.method == "OPTIONS") {
      response.status = 204;
    } else if (match.path_known) {
      response = json_response(
          405, error_body(405, "Method " + request.method + " not allowed for " + request.path,
                          request_id));
    } else {
      response = json_response(
          404, error_body(404, "No route for " + request.method + " " + request.path, request_id));
    }
    if (match.path_known) response.headers.set("Allow", detail::join(match.allowed, ", "));
    cors().apply(request, response.headers, request.method == "OPTIONS");
    return response;
  }

  // The user's API object, handed the request and its path parameters.
  void make(Router::Match match) {
    ApiInvocation invocation;
    invocation.request = std::move(request);
    invocation.path = std::move(match.parameters);
    invocation.context = context;
    entry = match.entry;
    api = entry->make();
    api->begin(std::move(invocation), entry->class_name);
    log = &api->logger();
  }

  // The token, the permission and the state header, as the API's AUTHORIZATION mode (and
  // REQUIRES_STATE) asks; the session gets the state and the user.
  void authenticate() {
    const Settings& settings = *dispatcher.settings_;
    const auto own_mode = api->authorization();
    const AuthMode mode = own_mode.value_or(settings.auth_mode);
    if (requires_user(mode)) {
      std::string token =
          TokenValidator::token_from_header(api->invocation().request.headers.get("authorization"));
      auto& invocation = api->invocation();
      invocation.auth_data = settings.strategy == AuthStrategy::jwt
                                 ? JwtValidator::validate_token(token)
                                 : TokenValidator::validate_token(token);
      invocation.user = invocation.auth_data["user"];
    }
    if (const auto& user = api->current_user()) get_session().set_user(*user);
    if (mode == AuthMode::permission) authorize(settings.service);
    if (requires_state(mode) || (settings.requires_state && own_mode != AuthMode::none)) {
      const std::string& header = settings.state_header;
      auto state = api->invocation().request.headers.get(header);
      if (!state || state->empty()) throw ValueError("Header '" + header + "' is required");
      StateValidator::validate(*state);
      get_session().set_state(*state);
    }
  }

  // AUTHORIZATION=permission: the endpoint's permission among the caller's, with the Python
  // framework's two messages.
  void authorize(const std::string& service) const {
    auto granted = api->granted_permissions();
    if (!granted) {
      log->error(
          "AUTHORIZATION=permission but {} does not override granted_permissions(); "
          "refusing the request",
          entry->class_name);
      throw ForbiddenError("Permission checking is not configured for this endpoint");
    }
    std::string required = permissions::required_for(service, *entry);
    if (!permissions::allows(*granted, required)) {
      log->warn("Denied: the caller lacks {}", required);
      throw ForbiddenError("Te falta el permiso '" + required + "'");
    }
  }

  // data(): the query or the body, through the API's schema.
  void bind() {
    Json& data = api->data();
    data = request_data(api->request());
    if (const Schema* schema = api->schema()) data = schema->validate(data);
  }

  void run() {
    api->validate();
    api->process();
  }

  // Idempotency-Key (api.hpp): claims the key before the API runs; a repeat gets the stored
  // reply, marked Idempotent-Replayed, with CORS for this request.
  [[nodiscard]] std::optional<HttpResponse> claim_idempotency_key() {
    auto config = api->idempotency();
    if (!config) return std::nullopt;
    std::optional<Json> key;
    if (config->key.empty()) {
      auto header = api->request().headers.get("idempotency-key");
      if (header && !header->empty()) {
        if (header->size() > kMaxIdempotencyKey) {
          throw ValueError("The Idempotency-Key header is longer than " +
                           std::to_string(kMaxIdempotencyKey) + " characters");
        }
        key = *header;
      }
    } else {
      key = idempotency::key_material(*config, api->data());
    }
    if (!key) {
      if (config->raise_on_missing_key) {
        throw IdempotencyKeyError(config->key.empty() ? "The Idempotency-Key header is required"
                                                      : "The request has no idempotency key");
      }
      return std::nullopt;  // an ordinary request
    }
    // The caller is part of the key: one client's key never replays another's reply.
    Json caller = nullptr;
    if (const auto& user = api->current_user()) caller = user->value("_id", Json(nullptr));
    Json material = Json::array({request_method(), caller, *key});
    Json payload = {{"path", api->request().path}, {"data", api->data()}};
    idempotent.emplace(std::move(*config), "api:" + std::string(entry->class_name), material,
                       payload);
    if (idempotent->claim() != idempotency::Record::Outcome::replay) return std::nullopt;
    log->info("A repeat of an idempotent request: the stored reply is sent");
    auto stored = parse_json(idempotent->stored_result(), "The stored idempotent reply");
    HttpResponse response;
    response.status = stored.value("status", 200);
    for (const auto& pair : stored.value("headers", Json::array())) {
      response.headers.add(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    }
    response.body = base64_decode(stored.value("body", ""));
    response.base64 = stored.value("base64", false);
    response.headers.set("Idempotent-Replayed", "true");
    cors().apply(api->request(), response.headers, false);
    return response;
  }

  // Keeps the reply of a claimed key: 2xx-4xx are the request's answer and replayed; a 5xx (or
  // a crash) releases the key so a retry runs again.
  void finish_idempotency(const HttpResponse& response) {
    if (!idempotent) return;
    if (response.status >= 500) {
      idempotent->release();
      return;
    }
    Json headers = Json::array();
    for (const auto& [name, value] : response.headers) {
      // CORS is recomputed for the request that gets the replay.
      if (name.size() >= 15 && detail::iequals(name.substr(0, 15), "access-control-")) continue;
      headers.push_back({name, value});
    }
    idempotent->complete(dump_json({{"status", response.status},
                                    {"headers", std::move(headers)},
                                    {"body", base64_encode(response.body)},
                                    {"base64", response.base64}}));
  }

  [[nodiscard]] std::string request_method() const { return api->request().method; }

  static constexpr std::size_t kMaxIdempotencyKey = 255;
  std::optional<idempotency::Record> idempotent;

  // The API's reply: its body (JSON, or raw bytes base64-encoded unless textual), CORS, then
  // the headers the handler set, which win over the defaults (Content-Type, CORS).
  [[nodiscard]] HttpResponse respond() {
    ApiReply& reply = api->reply();
    HttpResponse response;
    response.status = reply.code == 0 ? 200 : reply.code;
    if (reply.raw_body) {
      response.body = std::move(*reply.raw_body);
      response.base64 = !detail::is_textual_content_type(reply.headers.get_or("content-type", ""));
    } else {
      response.headers.set("Content-Type", "application/json");
      response.body = dump_json(serialize_mongo_types(std::move(reply.body)));
    }
    cors().apply(api->request(), response.headers, false);
    for (const auto& [name, value] : reply.headers) response.headers.remove(name);
    for (const auto& [name, value] : reply.headers) response.headers.add(name, value);
    return response;
  }
};

HttpResponse ApiDispatcher::handle(HttpRequest request,
                                   const runtime::InvocationContext& context) const {
  const bool head = request.method == "HEAD";
  // Under Lambda the invocation carries the trace (Lambda-Runtime-Trace-Id); where it does not
  // (the emulator, a direct call) the request's own X-Amzn-Trace-Id is followed, if valid.
  std::optional<trace::Scope> request_trace;
  if (trace::current().empty()) {
    request_trace.emplace(request.headers.get_or("x-amzn-trace-id", ""));
  }
  Call call(*this, context, std::move(request));
  SessionScope scope{Session{}};
  HttpResponse response;
  try {
    auto match = call.route();
    if (auto answer = call.answer_without_api(match)) return std::move(*answer);
    call.make(std::move(match));
    call.authenticate();
    call.bind();
    if (auto replay = call.claim_idempotency_key()) return std::move(*replay);
    call.run();
    response = call.respond();
  } catch (...) {
    response = error_response(std::current_exception(), call.request_id, *call.log);
    call.cors().apply(call.current(), response.headers, false);
  }
  call.finish_idempotency(response);
  if (response.status == 204 || response.status == 304) {
    response.headers.remove("Content-Type");  // no content
  }
  if (head || response.status == 204 || response.status == 304) {
    response.body.clear();
    response.base64 = false;
  }
  return response;
}

}  // namespace aws_helper
