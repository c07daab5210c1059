#include <array>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <aws_helper/auth.hpp>
#include <aws_helper/env.hpp>
#include <aws_helper/http.hpp>
#include <aws_helper/limits.hpp>
#include <aws_helper/openapi.hpp>
#include <aws_helper/permissions.hpp>
#include <aws_helper/session.hpp>

#include "core/text.hpp"

namespace aws_helper {

namespace {

constexpr std::string_view kRef = "#/components/";

Json ref(std::string_view kind, std::string_view name) {
  return {{"$ref", std::string(kRef) + std::string(kind) + "/" + std::string(name)}};
}

// The settings the dispatcher reads at start, read the same way.
struct DocSettings {
  AuthMode mode = auth_mode_from_env();
  AuthStrategy strategy = auth_strategy_from_env();
  bool requires_state = requires_state_from_env();
  std::string state_header = state_header_name();
  std::string service = permissions::service_code();
};

// The body of every error reply (the dispatcher's error_body()).
Json error_schema() {
  Json detail = {{"type", "object"},
                 {"properties",
                  {{"loc",
                    {{"type", "array"},
                     {"items", {{"type", {"string", "integer"}}}},
                     {"description", "Where the value is: field names and list indexes"}}},
                   {"msg", {{"type", "string"}}},
                   {"type", {{"type", "string"}, {"examples", {"string_too_short"}}}}}},
                 {"required", {"loc", "msg", "type"}}};
  return {{"title", "Error"},
          {"type", "object"},
          {"properties",
           {{"error", {{"type", "string"}, {"description", "The status's reason phrase"}}},
            {"message", {{"type", "string"}}},
            {"request_id",
             {{"type", "string"}, {"description", "The Lambda request id, for the logs"}}},
            {"details",
             {{"type", "array"},
              {"items", detail},
              {"description", "400 from a schema: every failing field (pydantic's shape)"}}}}},
          {"required", {"error", "message"}}};
}

struct ErrorReply {
  int status;
  std::string_view name;
  std::string_view description;
};

constexpr std::array<ErrorReply, 11> kErrors{{
    {400, "BadRequest",
     "The request is malformed or invalid: a body that is not JSON, a missing state header, a "
     "value the schema refuses (`details` lists every failing field) or one validate() refuses"},
    {401, "Unauthorized", "No token, another scheme than Bearer, or a token that is not valid"},
    {403, "Forbidden", "The caller lacks the permission this endpoint needs"},
    {404, "NotFound", "No such resource (or no route for this path)"},
    {405, "MethodNotAllowed", "The path exists with other methods; the `Allow` header lists them"},
    {409, "Conflict",
     "The write conflicts with what is stored (a duplicate key), or a request with the same "
     "`Idempotency-Key` is still in progress"},
    {413, "PayloadTooLarge", "The body, or a count of headers or parameters, is over its limit"},
    {422, "UnprocessableContent",
     "This `Idempotency-Key` was already used with a different request body"},
    {500, "InternalServerError", "The handler failed; the log has the cause under `request_id`"},
    {502, "BadGateway", "A service this one called answered with an error"},
    {503, "ServiceUnavailable", "The database or another peer is unreachable; retry later"},
}};

Json error_responses() {
  Json responses = Json::object();
  for (const auto& error : kErrors) {
    Json response = {{"description", std::string(error.description)},
                     {"content", {{"application/json", {{"schema", ref("schemas", "Error")}}}}}};
    if (error.status == 405) {
      response["headers"] = {
          {"Allow",
           {{"description", "The methods the path answers"}, {"schema", {{"type", "string"}}}}}};
    }
    responses[std::string(error.name)] = std::move(response);
  }
  return responses;
}

std::string_view error_name(int status) {
  for (const auto& error : kErrors) {
    if (error.status == status) return error.name;
  }
  return "InternalServerError";
}

// A schema's title as a components key (^[a-zA-Z0-9._-]+$).
std::string component_name(const Json& schema) {
  std::string title = schema.is_object() ? schema.value("title", "") : "";
  std::string name;
  for (char c : title) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
    name += ok ? c : '_';
  }
  return name;
}

// Named schemas go to components.schemas once each and are referred to; two different
// schemas with one title get "Title", "Title2".
class SchemaRegistry {
 public:
  Json use(const Json& schema) {
    std::string base = component_name(schema);
    if (base.empty() || !schema.is_object() || schema.value("type", "") != "object") return schema;
    for (int n = 1;; ++n) {
      std::string name = n == 1 ? base : base + std::to_string(n);
      auto it = schemas_.find(name);
      if (it == schemas_.end()) {
        schemas_.emplace(name, schema);
        return ref("schemas", name);
      }
      if (it->second == schema) return ref("schemas", name);
    }
  }
  [[nodiscard]] Json all() const {
    Json out = Json::object();
    for (const auto& [name, schema] : schemas_) out[name] = schema;
    return out;
  }

 private:
  std::map<std::string, Json> schemas_;
};

std::string method_of(std::string_view action) {
  return action == "list" || action == "get" ? "get" : detail::lower(action);
}

// Each `{name}` of "/users/{user_id}/posts/{id}".
std::vector<std::string> path_parameters(std::string_view pattern) {
  std::vector<std::string> names;
  for (std::size_t open = pattern.find('{'); open != std::string_view::npos;
       open = pattern.find('{', open + 1)) {
    auto close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    names.emplace_back(pattern.substr(open + 1, close - open - 1));
  }
  return names;
}

// GET: the schema's properties, one query parameter each (a list repeats its key).
Json query_parameters(const Json& schema) {
  Json out = Json::array();
  if (!schema.is_object() || !schema.contains("properties")) return out;
  std::set<std::string> required;
  if (auto it = schema.find("required"); it != schema.end() && it->is_array()) {
    for (const auto& name : *it) required.insert(name.get<std::string>());
  }
  for (const auto& [name, property] : schema["properties"].items()) {
    Json parameter = {{"name", name},
                      {"in", "query"},
                      {"required", required.contains(name)},
                      {"schema", property}};
    if (property.is_object() && property.value("type", "") == "array") {
      parameter["style"] = "form";
      parameter["explode"] = true;
    }
    if (property.is_object() && property.contains("description")) {
      parameter["description"] = property["description"];
    }
    out.push_back(std::move(parameter));
  }
  return out;
}

struct Operation {
  const RouteInfo& route;
  const Schema* schema = nullptr;  // the API's schema(); schemas live as long as the program
  ApiDoc doc{};
  AuthMode mode = AuthMode::none;
  bool state = false;
  std::string unreadable{};  // why the API could not be made to read its hooks
  std::optional<IdempotencyConfig> idempotency{};
};

void add_responses(Json& operation, const Operation& op, SchemaRegistry& schemas) {
  const bool read = op.route.entry->action == "list" || op.route.entry->action == "get";
  int code = op.doc.success_code != 0 ? op.doc.success_code : 200;
  Json success = {{"description", op.doc.success_description.empty()
                                      ? std::string(reason_phrase(code))
                                      : op.doc.success_description}};
  // Without a declared schema: an object, what set_body() nearly always sends (an empty
  // schema would show as "string" in Swagger UI).
  Json body_schema =
      op.doc.response != nullptr
          ? schemas.use(op.doc.response->json_schema())
          : Json{{"type", "object"}, {"description", "No schema declared (ApiDoc::response)"}};
  if (code != 204) success["content"] = {{"application/json", {{"schema", body_schema}}}};
  Json responses = {{std::to_string(code), std::move(success)}};
  std::vector<int> errors{400};
  if (requires_user(op.mode)) errors.push_back(401);
  if (op.mode == AuthMode::permission) errors.push_back(403);
  errors.push_back(404);
  if (!read || op.idempotency) errors.push_back(409);
  errors.push_back(413);
  if (op.idempotency) errors.push_back(422);
  errors.insert(errors.end(), {500, 503});
  for (int status : errors)
    responses[std::to_string(status)] = ref("responses", error_name(status));
  operation["responses"] = std::move(responses);
}

Json parameters_of(const Operation& op, const Json& input) {
  Json parameters = Json::array();
  for (const auto& name : path_parameters(op.route.pattern)) {
    parameters.push_back(
        {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  if (op.state) parameters.push_back(ref("parameters", "State"));
  if (op.idempotency && op.idempotency->key.empty()) {
    parameters.push_back(
        {{"name", "Idempotency-Key"},
         {"in", "header"},
         {"required", op.idempotency->raise_on_missing_key},
         {"description",
          "A key of the client's choosing: a retry with the same key and body gets the first "
          "reply (marked `Idempotent-Replayed: true`) instead of running again"},
         {"schema", {{"type", "string"}, {"maxLength", 255}}}});
  }
  if (op.route.method == "GET") {
    for (auto& parameter : query_parameters(input)) parameters.push_back(std::move(parameter));
  }
  return parameters;
}

Json operation_of(const Operation& op, const DocSettings& settings, SchemaRegistry& schemas) {
  const ApiEntry& entry = *op.route.entry;
  std::string folder(entry.folders.substr(0, entry.folders.find('/')));
  Json operation = {
      {"operationId", std::string(entry.class_name)},
      {"summary",
       op.doc.summary.empty() ? permissions::readable_name(entry.class_name) : op.doc.summary},
      {"tags",
       op.doc.tags.empty() ? Json::array({folder.empty() ? "root" : folder}) : Json(op.doc.tags)}};
  std::string description = op.doc.description;
  if (op.mode == AuthMode::permission) {
    std::string code = permissions::required_for(settings.service, entry);
    operation["x-permission"] = code;
    description +=
        (description.empty() ? "" : "\n\n") + fmt::format("Needs the permission `{}`.", code);
  }
  description += fmt::format("{}Handled by `{}` ({}).", description.empty() ? "" : "\n\n",
                             entry.class_name, entry.source);
  operation["description"] = description;
  if (op.doc.deprecated) operation["deprecated"] = true;
  if (!op.unreadable.empty()) {
    description +=
        "\n\nIts schema and documentation could not be read: making the API threw " + op.unreadable;
    operation["description"] = description;
  }
  Json input = op.schema != nullptr ? op.schema->json_schema() : Json::object();
  if (Json parameters = parameters_of(op, input); !parameters.empty()) {
    operation["parameters"] = std::move(parameters);
  }
  if (op.route.method != "GET" && (op.schema != nullptr || op.route.method != "DELETE")) {
    bool required = input.is_object() && input.contains("required");
    Json schema = op.schema != nullptr ? schemas.use(input) : Json::object();
    operation["requestBody"] = {{"required", required},
                                {"content",
                                 {{"application/json", {{"schema", schema}}},
                                  {"application/x-www-form-urlencoded", {{"schema", schema}}}}}};
  }
  operation["security"] =
      requires_user(op.mode) ? Json::array({{{"bearerAuth", Json::array()}}}) : Json::array();
  add_responses(operation, op, schemas);
  return operation;
}

std::string auth_notes(const DocSettings& settings) {
  std::string token = settings.strategy == AuthStrategy::jwt
                          ? "a JWT signed by core (AUTH_STRATEGY=jwt)"
                          : "a token stored in the auth database";
  std::string notes;
  switch (settings.mode) {
    case AuthMode::none:
      notes = "AUTHORIZATION is none: endpoints are public unless they say otherwise.";
      break;
    case AuthMode::state:
      notes = fmt::format("AUTHORIZATION=state: every request names its state in the `{}` header.",
                          settings.state_header);
      break;
    default:
      notes = fmt::format("AUTHORIZATION={}: requests carry `Authorization: Bearer <token>`, {}.",
                          settings.mode == AuthMode::user   ? "user"
                          : settings.mode == AuthMode::full ? "full"
                                                            : "permission",
                          token);
      if (settings.mode == AuthMode::full) {
        notes +=
            fmt::format(" They also name their state in the `{}` header.", settings.state_header);
      }
  }
  return notes + fmt::format(
                     "\n\nErrors are JSON: `{{\"error\": reason, \"message\": text, "
                     "\"request_id\": id}}`, with `details` for a 400 from a schema. Bodies over "
                     "{} bytes are refused with 413.",
                     limits().max_body_bytes);
}

Json components(const DocSettings& settings, SchemaRegistry& schemas) {
  Json component = {
      {"responses", error_responses()},
      {"parameters",
       {{"State",
         {{"name", settings.state_header},
          {"in", "header"},
          {"required", true},
          {"description", "The state (tenant) whose database the request uses"},
          {"schema", {{"type", "string"}, {"examples", {"connecticut"}}}}}}}},
      {"securitySchemes",
       {{"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"bearerFormat", settings.strategy == AuthStrategy::jwt ? "JWT" : "opaque"}}}}}};
  schemas.use(error_schema());
  component["schemas"] = schemas.all();
  return component;
}

}  // namespace

Json openapi_document(std::span<const ApiEntry> apis, const OpenApiOptions& options) {
  DocSettings settings;
  SchemaRegistry schemas;
  Router router(apis);
  Json paths = Json::object();
  for (const auto& route : router.routes()) {
    Operation op{route};
    std::optional<AuthMode> own;
    // The hooks are read from an instance. One whose constructor needs what this environment
    // lacks (a variable, a peer) is documented from its route alone, with the reason.
    try {
      std::unique_ptr<API> api = route.entry->make();
      op.schema = api->schema();
      op.doc = api->doc();
      own = api->authorization();
      op.idempotency = api->idempotency();
    } catch (const std::exception& error) {
      op.unreadable = excerpt(error.what(), 200);
    }
    op.mode = own.value_or(settings.mode);
    op.state = requires_state(op.mode) || (settings.requires_state && own != AuthMode::none);
    paths[route.pattern][method_of(route.entry->action)] = operation_of(op, settings, schemas);
  }
  Json servers = Json::array();
  for (const auto& url : options.servers) servers.push_back({{"url", url}});
  if (servers.empty()) servers.push_back({{"url", "/"}});
  std::string description = options.description;
  description += (description.empty() ? "" : "\n\n") + auth_notes(settings);
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", options.title.empty() ? "API" : options.title},
            {"version", options.version},
            {"description", description}}},
          {"servers", servers},
          {"paths", paths},
          {"components", components(settings, schemas)}};
}

}  // namespace aws_helper
