// parse_http_event and format_http_reply (src/api/http_event.cpp): the four event shapes in,
// the reply in the shape of the origin.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/base64.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/http.hpp>

namespace aws_helper {
namespace {

Json fixture(const std::string& name) {
  std::ifstream in(std::string(AWS_HELPER_SOURCE_DIR) + "/tests/fixtures/events/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

TEST(HttpEventTest, RestV1) {
  HttpRequest request = parse_http_event(fixture("rest_v1.json"));
  EXPECT_EQ(request.source, EventSource::rest_v1);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.path, "/users/65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(request.headers.get("constitution-state"), "connecticut") << "case-insensitive";
  EXPECT_EQ(request.headers.get_all("x-tag"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(request.query.get_all("tag"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(request.body, R"({"name": "Ana"})") << "isBase64Encoded is decoded";
  EXPECT_EQ(request.request_id, "77375676-xmpl-4b79-853a-f982474efe18");
  EXPECT_EQ(request.source_ip, "52.255.255.12");
  EXPECT_EQ(request.stage, "prod");
  EXPECT_EQ(request.authorizer["claims"]["email"], "ana@example.com");
  EXPECT_TRUE(request.multi_value_headers);
}

TEST(HttpEventTest, HttpV2StripsTheStageAndKeepsRepeatedQueryKeys) {
  HttpRequest request = parse_http_event(fixture("http_v2.json"));
  EXPECT_EQ(request.source, EventSource::http_v2);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/users/123/posts");
  EXPECT_EQ(request.query.get_all("tag"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(request.query.get("q"), "x y");
  EXPECT_EQ(request.headers.get("Cookie"), "session=abc; theme=dark");
  EXPECT_EQ(request.headers.get("Authorization"), "Bearer t0k3n");
  EXPECT_EQ(request.authorizer["jwt"]["claims"]["sub"], "u-1");
  EXPECT_EQ(request.source_ip, "205.255.255.176");
}

TEST(HttpEventTest, FunctionUrlAndBasePaths) {
  Json event = fixture("function_url.json");
  HttpRequest request = parse_http_event(event);
  EXPECT_EQ(request.source, EventSource::function_url);
  EXPECT_EQ(request.path, "/shippings");
  event["rawPath"] = "/v1/shippings/";
  EXPECT_EQ(parse_http_event(event, {"/api", "/v1"}).path, "/shippings");
  event["rawPath"] = "/v1";
  EXPECT_EQ(parse_http_event(event, {"v1/"}).path, "/");
  event["rawPath"] = "/v10/shippings";
  EXPECT_EQ(parse_http_event(event, {"/v1"}).path, "/v10/shippings") << "whole segments only";
}

TEST(HttpEventTest, AlbDecodesPathAndQueryButNotAnEncodedSlash) {
  HttpRequest request = parse_http_event(fixture("alb.json"));
  EXPECT_EQ(request.source, EventSource::alb);
  EXPECT_EQ(request.path, "/land-records/abc%2Fdef");
  EXPECT_EQ(request.query.get("q"), "caf\xC3\xA9");
  EXPECT_EQ(request.source_ip, "72.12.164.125");
  EXPECT_EQ(request.request_id, "Root=1-5c536348-3d683b8b04734faae651f476");
}

// ALB keeps the Root a client sends, so the trace header that stands in for ALB's missing
// request id is used only when it is a valid one: the id is quoted in replies and logs.
TEST(HttpEventTest, AlbRequestIdIsTheTraceHeaderOnlyWhenValid) {
  Json event = fixture("alb.json");
  event["multiValueHeaders"]["x-amzn-trace-id"] = {
      "Self=1-67891234-12456789abcdef012345678; "
      "Root=1-5c536348-3d683b8b04734faae651f476"};
  EXPECT_EQ(parse_http_event(event).request_id,
            "Root=1-5c536348-3d683b8b04734faae651f476;Self=1-67891234-12456789abcdef012345678");
  for (const std::string& hostile :
       {std::string("Root=1-<script>"), std::string(5000, 'R'), std::string("garbage")}) {
    event["multiValueHeaders"]["x-amzn-trace-id"] = {hostile};
    EXPECT_EQ(parse_http_event(event).request_id, "");
  }
}

TEST(HttpEventTest, MalformedEventsNameTheProblem) {
  auto message = [](const Json& event) {
    try {
      (void)parse_http_event(event);
    } catch (const ValueError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(Json::array()), "The event must be a JSON object");
  EXPECT_NE(message({{"data", 1}}).find("not an API Gateway"), std::string::npos);
  EXPECT_EQ(message({{"httpMethod", "GET"}, {"path", "/"}, {"headers", "x"}}),
            "'headers' must be an object");
  EXPECT_EQ(message({{"httpMethod", "GET"}, {"path", "/"}, {"headers", {{"a", 1}}}}),
            "'headers.a' must be a string");
  // A header name is user input: named, not echoed whole.
  EXPECT_EQ(
      message(
          {{"httpMethod", "GET"}, {"path", "/"}, {"headers", {{std::string(1 << 20, 'n'), 1}}}}),
      "'headers." + std::string(64, 'n') + "...' must be a string");
  EXPECT_NE(
      message({{"httpMethod", "POST"}, {"path", "/"}, {"body", "%%%"}, {"isBase64Encoded", true}})
          .find("isBase64Encoded"),
      std::string::npos);
  // null members are absent members (API Gateway sends `"headers": null`).
  HttpRequest request = parse_http_event(
      {{"httpMethod", "get"}, {"path", nullptr}, {"headers", nullptr}, {"body", nullptr}});
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/");
}

TEST(HttpReplyTest, ShapeFollowsTheOrigin) {
  HttpResponse response;
  response.status = 201;
  response.headers.add("Content-Type", "application/json");
  response.headers.add("Set-Cookie", "a=1");
  response.headers.add("Set-Cookie", "b=2");
  response.body = "{}";

  HttpRequest v2;
  v2.source = EventSource::http_v2;
  Json reply = format_http_reply(v2, response);
  EXPECT_EQ(reply["statusCode"], 201);
  EXPECT_EQ(reply["cookies"], Json::array({"a=1", "b=2"}));
  EXPECT_FALSE(reply["headers"].contains("Set-Cookie"));
  EXPECT_EQ(reply["isBase64Encoded"], false);

  HttpRequest v1;
  v1.source = EventSource::rest_v1;
  reply = format_http_reply(v1, response);
  EXPECT_EQ(reply["multiValueHeaders"]["Set-Cookie"], Json::array({"a=1", "b=2"}));
  EXPECT_FALSE(reply.contains("cookies"));

  HttpRequest alb;
  alb.source = EventSource::alb;
  reply = format_http_reply(alb, response);
  EXPECT_EQ(reply["statusDescription"], "201 Created");
  EXPECT_TRUE(reply.contains("headers"));
  alb.multi_value_headers = true;
  EXPECT_TRUE(format_http_reply(alb, response).contains("multiValueHeaders"));

  response.body = std::string("\x89PNG\0", 5);
  response.base64 = true;
  reply = format_http_reply(v2, response);
  EXPECT_EQ(reply["isBase64Encoded"], true);
  EXPECT_EQ(base64_decode(reply["body"].get<std::string>()), response.body);
}
}  // namespace
}  // namespace aws_helper
