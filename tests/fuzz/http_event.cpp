// API Gateway REST v1 / HTTP v2 / Function URL / ALB events: the text read as the dispatcher
// reads it (parse_json, with its depth limit), then parse_http_event, the routes, the auth
// header and the reply in the event's shape. The same bytes also go, raw, to the percent and
// query-string decoders and to the Base64 decoder.
#include <cstdint>
#include <string>

#include <aws_helper/api.hpp>
#include <aws_helper/auth.hpp>
#include <aws_helper/base64.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/http.hpp>
#include <aws_helper/json.hpp>

#include "fuzz_support.hpp"

namespace aws_helper {
namespace {

// The routing table of tests/unit/api_test.cpp: folders, parameters, a literal folder beside a
// parameter (users/me), two levels of parameters.
const ApiEntry kRoutes[] = {
    {"users", "list", "UsersListAPI", "src/api/users/list.cpp", nullptr},
    {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", nullptr},
    {"users", "post", "UsersPostAPI", "src/api/users/post.cpp", nullptr},
    {"users", "put", "UsersPutAPI", "src/api/users/put.cpp", nullptr},
    {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", nullptr},
    {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp", nullptr},
    {"users/me", "list", "UsersMeListAPI", "src/api/users/me/list.cpp", nullptr},
    {"auth/login", "post", "AuthLoginPostAPI", "src/api/auth/login/post.cpp", nullptr},
    {"categories", "delete", "CategoriesDeleteAPI", "src/api/categories/delete.cpp", nullptr},
};

const Router& router() {
  static const Router instance(kRoutes);
  return instance;
}

bool has_lower_ascii(const std::string& text) {
  for (char c : text) {
    if (c >= 'a' && c <= 'z') return true;
  }
  return false;
}

void raw_decoders(std::string_view text) {
  auto decoded = percent_decode(text);
  FUZZ_CHECK(decoded.size() <= text.size());
  auto form = percent_decode(text, true);
  FUZZ_CHECK(form.size() == decoded.size());
  auto query = parse_query_string(text);
  std::size_t pairs = 1;
  for (char c : text) pairs += c == '&' ? 1 : 0;
  FUZZ_CHECK(query.size() <= pairs);

  FUZZ_CHECK(base64_decode(base64_encode(text)) == text);
  try {
    auto bytes = base64_decode(text);
    FUZZ_CHECK(bytes.size() ==
               text.size() / 4 * 3 - (text.size() - text.find_last_not_of('=') - 1));
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
  }
}

void routes(const HttpRequest& request) {
  auto walked = router().route(request.method, request.path);
  // The template lookup is a shortcut of the walk: when it answers, it answers the same.
  if (auto hit = router().route_template(request.method, request.route_template, request.path)) {
    FUZZ_CHECK(hit->entry == walked.entry);
    FUZZ_CHECK(hit->parameters.list() == walked.parameters.list());
    FUZZ_CHECK(hit->parameters.named() == walked.parameters.named());
  }
  for (const auto& [name, value] : walked.parameters.named()) {
    FUZZ_CHECK(walked.parameters.at(name) == value);
  }
}

void reply(const HttpRequest& request) {
  HttpResponse response;
  response.status = static_cast<int>(request.body.size() % 600);
  for (const auto& [name, value] : request.headers) response.headers.add(name, value);
  response.body = request.body;
  response.base64 = request.body.size() % 2 == 1;
  auto formatted = format_http_reply(request, std::move(response));
  FUZZ_CHECK(formatted.contains("statusCode"));
  static_cast<void>(dump_json(formatted));
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  auto text = fuzz::text_of(data, size);
  raw_decoders(text);

  Json event;
  try {
    event = parse_json(text, "The event");
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
    return 0;
  }
  HttpRequest request;
  try {
    request = parse_http_event(event, {"/v1", "api/", "/"});
  } catch (const ValueError& error) {
    FUZZ_CHECK_SHORT(error);
    return 0;
  }
  FUZZ_CHECK(!request.path.empty() && request.path.front() == '/');
  FUZZ_CHECK(request.path == "/" || request.path.back() != '/');
  FUZZ_CHECK(request.path.find("//") == std::string::npos);
  FUZZ_CHECK(!request.method.empty() && !has_lower_ascii(request.method));
  static_cast<void>(dump_json(request.authorizer));

  routes(request);
  try {
    auto token = TokenValidator::token_from_header(request.headers.get("authorization"));
    FUZZ_CHECK(!token.empty());
  } catch (const UnauthorizedError& error) {
    FUZZ_CHECK_SHORT(error);
  }
  reply(request);
  return 0;
}
