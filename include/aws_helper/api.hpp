// REST APIs routed by folder convention (the seed's API classes).
//
//   src/api/users/list.cpp         GET    /users                  class UsersListAPI
//   src/api/users/get.cpp          GET    /users/{id}             class UsersGetAPI
//   src/api/users/post.cpp         POST   /users                  class UsersPostAPI
//   src/api/users/put.cpp          PUT    /users/{id}             class UsersPutAPI
//   src/api/users/posts/list.cpp   GET    /users/{user_id}/posts  class UsersPostsListAPI
//   src/api/auth/login/post.cpp    POST   /auth/login             class AuthLoginPostAPI
//
// A path segment that names a sub-folder descends into it; any other segment is the path
// parameter of the resource before it (ObjectIds, UUIDs, numbers and slugs alike). Literal
// folders win. GET with a trailing parameter runs get.cpp, without one list.cpp; for POST,
// PUT, PATCH and DELETE the trailing parameter is optional. Parameters are named `id` for the
// innermost resource and `<singular>_id` for every resource (`user_id`, `category_id`).
//
//   class UsersGetAPI : public aws_helper::API {
//    public:
//     void process() override {
//       auto user = db()["users_db"]["users"].find_one(
//           {{"_id", aws_helper::object_id(path_parameters().at("id"))}});
//       if (!user) throw aws_helper::NotFoundError("User not found");
//       set_body(*user);
//     }
//   };
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <aws_helper/auth.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/handler.hpp>
#include <aws_helper/http.hpp>
#include <aws_helper/idempotency.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/runtime.hpp>
#include <aws_helper/schema.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

// The path parameters of a request, by name and in order (the seed's list).
class PathParameters {
 public:
  void add(std::string name, std::string alias, std::string value);
  // nullopt when the route has no such parameter.
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  // ValueError (400) naming the parameter when it is missing.
  [[nodiscard]] const std::string& at(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }
  // The values in path order, as the seed's list.
  [[nodiscard]] const std::vector<std::string>& list() const noexcept { return values_; }
  [[nodiscard]] const std::map<std::string, std::string, std::less<>>& named() const noexcept {
    return named_;
  }
  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
  [[nodiscard]] bool empty() const noexcept { return values_.empty(); }

 private:
  std::vector<std::string> values_;
  std::map<std::string, std::string, std::less<>> named_;
};

// One request as the framework hands it to an API before validate(): the dispatcher fills it
// (routing, auth, the body through the schema). A unit test of a handler may fill it too and
// call validate() and process() directly (docs/testing.md).
struct ApiInvocation {
  HttpRequest request;
  PathParameters path;
  Json data = Json::object();  // what data() returns
  runtime::InvocationContext context;
  std::optional<Json> user;  // current_user()
  Json auth_data = nullptr;  // auth_data()
};

// What `bootstrap openapi` says of an endpoint beyond what the framework knows already (its
// route, path parameters, AUTHORIZATION mode, schema() and error replies). Every field is
// optional; see docs/openapi.md.
struct ApiDoc {
  std::string summary{};              // default: the class name in words ("Users Posts List")
  std::string description{};          // Markdown
  std::vector<std::string> tags{};    // default: the first folder ("users")
  int success_code = 0;               // default: 200, the framework's when set_code() is not called
  std::string success_description{};  // default: the status's reason phrase
  const Schema* response = nullptr;   // the success body, e.g. &schema_of<Shipping>()
  bool deprecated = false;
};

// The reply an API's set_* calls build.
struct ApiReply {
  int code = 0;  // 0: not set (200)
  Json body = nullptr;
  std::optional<std::string> raw_body;  // set_raw_body(): sent as is instead of body
  Headers headers;
};

class API : public HandlerBase {
 public:
  API() : HandlerBase("API") {}
  virtual ~API() = default;
  API(const API&) = delete;
  API& operator=(const API&) = delete;

  // The AUTHORIZATION mode for this API; nullopt (the default) follows the environment.
  // Return AuthMode::none for a public endpoint such as a login.
  [[nodiscard]] virtual std::optional<AuthMode> authorization() const { return std::nullopt; }
  // AUTHORIZATION=permission: the permission codes the caller holds (aws_helper/
  // permissions.hpp), asked after the token is checked, so current_user() is known. Where they
  // come from is the service's business (the user's role, its own collection, core).
  // nullopt, the default, is a 403: an endpoint that cannot say what its caller may do is a
  // closed door, never an open one.
  [[nodiscard]] virtual std::optional<std::vector<std::string>> granted_permissions() {
    return std::nullopt;
  }
  // Optional schema for data(), applied before validate(); see schema.hpp.
  [[nodiscard]] virtual const Schema* schema() const { return nullptr; }
  // The endpoint's OpenAPI description (`bootstrap openapi`, `bootstrap serve`'s /docs).
  [[nodiscard]] virtual ApiDoc doc() const { return {}; }
  // Idempotency (idempotency.hpp): with a config, a request carrying an `Idempotency-Key`
  // header (at most 255 characters) runs once per key, caller and route within the expiry; a
  // repeat gets the stored status, headers and body with `Idempotent-Replayed: true`. The same
  // key with another body is a 422, a repeat while the first runs a 409. Replies of 5xx are not
  // kept. Without the header the request runs as usual, unless raise_on_missing_key (400).
  // config.key (JSON pointers into data()) replaces the header as the key.
  [[nodiscard]] virtual std::optional<IdempotencyConfig> idempotency() const {
    return std::nullopt;
  }
  // Checks the request before process(); throw ValueError (400) or any Error to refuse it.
  virtual void validate() {}
  // The work: read the request, set the reply with set_code / set_body / set_header.
  virtual void process() = 0;

  // ---- the request ----
  // GET: the query parameters ({"limit": "10"}; a repeated key gives a list). Other methods:
  // the parsed JSON body ({} when empty), or the fields of a form body. Replaced by the
  // schema's normalised data when there is a schema.
  [[nodiscard]] Json& data() noexcept { return invocation_.data; }
  [[nodiscard]] const Json& data() const noexcept { return invocation_.data; }
  [[nodiscard]] const Headers& headers() const noexcept { return invocation_.request.headers; }
  [[nodiscard]] const PathParameters& path_parameters() const noexcept { return invocation_.path; }
  [[nodiscard]] const QueryParameters& query_parameters() const noexcept {
    return invocation_.request.query;
  }
  // The body as received (after Base64 decoding): for binary and non-JSON bodies.
  [[nodiscard]] const std::string& raw_body() const noexcept { return invocation_.request.body; }
  [[nodiscard]] const HttpRequest& request() const noexcept { return invocation_.request; }
  // data() as the schema struct T (see schema.hpp); validated here when schema() is not T's.
  template <class T>
  [[nodiscard]] T input() const {
    const auto& typed = schema_of<T>();
    return schema() == &typed ? typed.to_struct(data()) : typed.parse(data());
  }
  // The path without the leading '/', as the seed's `endpoint` ("users/123").
  [[nodiscard]] std::string endpoint() const;
  // Lower case, as the seed: "get".
  [[nodiscard]] std::string http_method() const;
  [[nodiscard]] const runtime::InvocationContext& context() const noexcept {
    return invocation_.context;
  }

  // ---- who is calling ----
  // The user document (no password fields) when AUTHORIZATION is `user`, `full` or
  // `permission`.
  [[nodiscard]] const std::optional<Json>& current_user() const noexcept {
    return invocation_.user;
  }
  [[nodiscard]] bool is_authenticated() const noexcept { return invocation_.user.has_value(); }
  // {"user_id", "user", "token_data", "is_bypass"} as the seed; null when not authenticated.
  [[nodiscard]] const Json& auth_data() const noexcept { return invocation_.auth_data; }
  // session(), db(), external_db() and logger() come from HandlerBase (handler.hpp).

  // ---- the reply (chainable) ----
  API& set_code(int code);
  // Sent as JSON, ObjectIds and dates converted as the seed's MongoJSONEncoder does.
  API& set_body(Json body);
  // A reply that is not JSON (CSV, an image): sent as is, Base64-encoded on the wire when it
  // is not text.
  API& set_raw_body(std::string bytes, std::string content_type);
  // Replaces the header; ValueError when the name or value holds CR, LF or NUL.
  API& set_header(std::string name, std::string value);
  API& set_headers(const Headers& headers);
  // Adds a value (Set-Cookie and other repeatable headers).
  API& add_header(std::string name, std::string value);

  [[nodiscard]] int code() const noexcept { return reply_.code; }
  [[nodiscard]] const Json& body() const noexcept { return reply_.body; }
  [[nodiscard]] const Headers& response_headers() const noexcept { return reply_.headers; }

  // ---- the framework's side: the dispatcher, or a handler's unit test ----
  // Starts a request: the logger named after the class, the request in place, no reply yet.
  void begin(ApiInvocation invocation, std::string_view class_name = "API");
  [[nodiscard]] ApiInvocation& invocation() noexcept { return invocation_; }
  [[nodiscard]] ApiReply& reply() noexcept { return reply_; }

 private:
  ApiInvocation invocation_;
  ApiReply reply_;
};

// An API found at src/api/<folders>/<action>.cpp.
struct ApiEntry {
  std::string_view folders;     // "users/posts" ("" for src/api/list.cpp)
  std::string_view action;      // "list", "get", "post", "put", "patch" or "delete"
  std::string_view class_name;  // "UsersPostsListAPI"
  std::string_view source;      // "src/api/users/posts/list.cpp"
  std::unique_ptr<API> (*make)();
};

// One line of `bootstrap routes`.
struct RouteInfo {
  std::string method;   // "GET"
  std::string pattern;  // "/users/{user_id}/posts/{id}"
  const ApiEntry* entry = nullptr;
};

// The route table, built once from the generated entries.
class Router {
 public:
  explicit Router(std::span<const ApiEntry> apis);
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  struct Match {
    const ApiEntry* entry = nullptr;  // null: no route
    PathParameters parameters;
    bool path_known = false;           // the path exists with other methods (405)
    std::vector<std::string> allowed;  // methods the path answers, for Allow
  };
  [[nodiscard]] Match route(std::string_view method, std::string_view path) const;
  // The route API Gateway already matched: `route_template` is the event's resource
  // ("/users/{id}") or routeKey path ("/users/{userId}"; parameter names may differ from ours).
  // A hash lookup instead of the walk; nullopt when the template is not one of ours (a
  // greedy {proxy+}, $default, another method), the path does not fit it, or a parameter's
  // value is a literal folder there (literal folders win, as in route()) — route() decides then.
  [[nodiscard]] std::optional<Match> route_template(std::string_view method,
                                                    std::string_view route_template,
                                                    std::string_view path) const;
  [[nodiscard]] std::vector<RouteInfo> routes() const;

 private:
  struct Node;
  struct Template;
  void index_templates();
  std::unique_ptr<Node> root_;
  std::unique_ptr<std::unordered_map<std::string, Template>> templates_;
};

// "categories" -> "category", "addresses" -> "address", "land-records" -> "land_record".
[[nodiscard]] std::string singular_name(std::string_view folder);

// Runs one API request event end to end (routing, CORS, auth, state, schema, validate,
// process, errors) and returns the Lambda reply in the event's shape.
//
// The settings (AUTHORIZATION, CORS_*, API_BASE_PATHS) are read once, when the dispatcher is
// made (the first request of a container); a change to them is a new deployment anyway.
class ApiDispatcher {
 public:
  explicit ApiDispatcher(std::span<const ApiEntry> apis);
  ~ApiDispatcher();
  ApiDispatcher(ApiDispatcher&&) noexcept;
  ApiDispatcher& operator=(ApiDispatcher&&) noexcept;
  [[nodiscard]] Json handle(const Json& event, const runtime::InvocationContext& context) const;
  [[nodiscard]] HttpResponse handle(HttpRequest request,
                                    const runtime::InvocationContext& context) const;
  [[nodiscard]] const Router& router() const noexcept { return router_; }

 private:
  struct Settings;
  struct Call;  // one request through the stages (dispatcher.cpp)
  Router router_;
  std::unique_ptr<const Settings> settings_;
};

}  // namespace aws_helper
