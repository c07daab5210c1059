// LambdaInvoker without peers: the Invoke API path for every way of naming a function, the
// session added to payloads, refusals before sending, and the trace header an invocation
// carries (against a local stand-in for the Invoke API). (The integration test invokes
// bootstraps under the emulator.)
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include <aws_helper/lambda_invoker.hpp>
#include <aws_helper/session.hpp>
#include <aws_helper/trace.hpp>

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

// What Lambda's Invoke API receives: the X-Amzn-Trace-Id and X-Amz-Invocation-Type headers of
// every call.
TEST(LambdaInvokerTest, InvocationsCarryTheCurrentTraceAsXAmznTraceId) {
  httplib::Server server;
  server.set_keep_alive_max_count(1);
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> seen;  // invocation type, trace header
  server.Post(R"(/2015-03-31/functions/[^/]+/invocations)",
              [&](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(mutex);
                seen.emplace_back(req.get_header_value("X-Amz-Invocation-Type"),
                                  req.get_header_value("X-Amzn-Trace-Id"));
                res.status = req.get_header_value("X-Amz-Invocation-Type") == "Event" ? 202 : 200;
                res.set_content(R"({"success": true})", "application/json");
              });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ::setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SK", 1);
  ::setenv("AWS_REGION", "us-east-2", 1);
  ::setenv("AWS_ENDPOINT_URL_LAMBDA", ("http://127.0.0.1:" + std::to_string(port)).c_str(), 1);
  const std::string header = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
  LambdaInvoker invoker;
  EXPECT_EQ(invoker.invoke("f", Json::object()), (Json{{"success", true}}));
  {
    trace::Scope scope{header};
    EXPECT_EQ(invoker.invoke("f", Json::object()), (Json{{"success", true}}));
    invoker.invoke_async("f", Json::object());
  }
  ::unsetenv("AWS_ENDPOINT_URL_LAMBDA");
  server.stop();
  thread.join();
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{
                      {"RequestResponse", ""}, {"RequestResponse", header}, {"Event", header}}));
}

}  // namespace
}  // namespace aws_helper
