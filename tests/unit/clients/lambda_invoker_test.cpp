// LambdaInvoker without peers: the Invoke API path for every way of naming a function, the
// session added to payloads, and refusals before sending. (The integration test invokes
// bootstraps under the emulator.)
#include <cstdlib>

#include <gtest/gtest.h>

#include <aws_helper/lambda_invoker.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {
namespace {

TEST(LambdaInvokerTest, PathsForNamesQualifiedNamesAndArns) {
  EXPECT_EQ(LambdaInvoker::invocation_path("generate-route"),
            "/2015-03-31/functions/generate-route/invocations");
  EXPECT_EQ(LambdaInvoker::invocation_path("generate-route:prod"),
            "/2015-03-31/functions/generate-route%3Aprod/invocations");
  EXPECT_EQ(
      LambdaInvoker::invocation_path("arn:aws:lambda:us-east-2:123456789012:function:f:3"),
      "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Afunction%3Af%3A3/"
      "invocations");
  EXPECT_EQ(aws::arn_region("arn:aws:lambda:eu-west-1:123456789012:function:f"), "eu-west-1");
  EXPECT_EQ(aws::arn_region("123456789012:function:f"), std::nullopt);
}

TEST(LambdaInvokerTest, TheCurrentSessionIsAddedWhenThePayloadHasNone) {
  EXPECT_EQ(LambdaInvoker::with_session({{"data", 1}}), (Json{{"data", 1}}));  // no session
  SessionScope scope{Session{"ohio", Json{{"id", "u1"}, {"hashed_password", "x"}}}};
  EXPECT_EQ(LambdaInvoker::with_session({{"data", 1}}),
            (Json{{"data", 1}, {"session", {{"state", "ohio"}, {"user", {{"id", "u1"}}}}}}));
  Json own = {{"data", 1}, {"session", {{"state", "utah"}}}};
  EXPECT_EQ(LambdaInvoker::with_session(own), own);
  EXPECT_EQ(LambdaInvoker::with_session(Json::array({1, 2})), Json::array({1, 2}));
}

TEST(LambdaInvokerTest, RefusesAnEmptyNameAndOversizedPayloadsBeforeSending) {
  ::setenv("AWS_REGION", "us-east-2", 1);
  ::setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:1", 1);  // never reached
  LambdaInvoker invoker;
  EXPECT_THROW(static_cast<void>(invoker.invoke("", Json::object())), ValueError);
  Json big = {{"data", std::string(std::size_t{6} * 1024 * 1024, 'x')}};
  EXPECT_THROW(static_cast<void>(invoker.invoke("f", big)), ValueError);
  Json medium = {{"data", std::string(std::size_t{2} * 1024 * 1024, 'x')}};
  EXPECT_THROW(invoker.invoke_async("f", medium), ValueError);
  ::unsetenv("AWS_ENDPOINT_URL_LAMBDA");
}

}  // namespace
}  // namespace aws_helper
