// The API base class (src/api/api.cpp) run without the dispatcher: invocation in, reply out.
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include <aws_helper/api.hpp>

namespace aws_helper {
namespace {

// A handler run without the dispatcher: the invocation filled by hand (docs/apis.md).
class InvocationEchoAPI : public API {
 public:
  void process() override {
    set_code(201).set_header("X-Id", path_parameters().at("id"));
    set_body({{"id", path_parameters().at("id")}, {"name", data().value("name", "")}});
  }
};

TEST(ApiInvocationTest, AHandlerRunsFromAFilledInvocationAndBeginClearsTheReply) {
  InvocationEchoAPI api;
  ApiInvocation invocation;
  invocation.request.method = "POST";
  invocation.request.path = "/things/42";
  invocation.path.add("id", "", "42");
  invocation.data = {{"name", "x"}};
  api.begin(std::move(invocation), "InvocationEchoAPI");
  api.process();
  EXPECT_EQ(api.code(), 201);
  EXPECT_EQ(api.body(), (Json{{"id", "42"}, {"name", "x"}}));
  EXPECT_EQ(api.response_headers().get("x-id"), "42");
  EXPECT_EQ(api.endpoint(), "things/42");
  EXPECT_EQ(api.http_method(), "post");
  EXPECT_EQ(api.logger().name(), "InvocationEchoAPI");
  EXPECT_FALSE(api.is_authenticated());

  api.begin(ApiInvocation{}, "InvocationEchoAPI");
  EXPECT_EQ(api.code(), 0);
  EXPECT_TRUE(api.body().is_null());
  EXPECT_TRUE(api.response_headers().empty());
  EXPECT_THROW(api.process(), ValueError);  // no path parameter 'id' any more
}
}  // namespace
}  // namespace aws_helper
