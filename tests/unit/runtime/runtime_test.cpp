#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include <aws_helper/json.hpp>
#include <aws_helper/runtime.hpp>
#include <aws_helper/session.hpp>

#include "runtime/runtime_client.hpp"
#include "support/fake_runtime_api.hpp"
#include "support/ports.hpp"

namespace aws_helper::runtime {
namespace {

using aws_helper::testing::FakeInvocation;
using aws_helper::testing::FakeRuntimeApi;

std::string header(const httplib::Headers& headers, const std::string& name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

TEST(RuntimeTest, PostsTheHandlerReply) {
  FakeRuntimeApi api;
  api.enqueue({"req-1", R"({"n":1})", {}});
  api.enqueue({"req-2", R"({"n":2})", {}});
  int code =
      run([](const InvocationRequest& r) { return "echo:" + r.payload; }, {api.endpoint(), 2});
  EXPECT_EQ(code, 0);
  auto posted = api.posted();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_EQ(posted[0].path, "/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(posted[0].body, R"(echo:{"n":1})");
  EXPECT_EQ(posted[1].path, "/2018-06-01/runtime/invocation/req-2/response");
}

// SIGTERM during an invocation: the reply is finished and posted, then run() returns 0 without
// fetching the next one (the second queued invocation stays unserved).
TEST(RuntimeTest, SigtermDuringAnInvocationPostsItsReplyThenStops) {
  FakeRuntimeApi api;
  api.enqueue({"req-1", R"({"n":1})", {}});
  api.enqueue({"req-2", R"({"n":2})", {}});
  int code = run(
      [](const InvocationRequest& r) {
        std::raise(SIGTERM);  // delivered here, in flight
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return "finished:" + r.payload;
      },
      {api.endpoint(), 0});
  EXPECT_EQ(code, 0);
  auto posted = api.posted();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(posted[0].path, "/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(posted[0].body, R"(finished:{"n":1})");
  // run() put the previous action back.
  struct sigaction now {};
  sigaction(SIGTERM, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST(RuntimeTest, ReadsEveryLambdaHeaderIntoTheContext) {
  FakeRuntimeApi api;
  auto deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     5000;
  api.enqueue({"req-ctx",
               "{}",
               {{"Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms)},
                {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:1:function:f"},
                {"Lambda-Runtime-Trace-Id", "Root=1-abc;Parent=def;Sampled=1"},
                {"Lambda-Runtime-Client-Context", R"({"custom":{"k":"v"}})"},
                {"Lambda-Runtime-Cognito-Identity", R"({"cognitoIdentityId":"id-1"})"},
                {"Lambda-Runtime-Aws-Tenant-Id", "tenant-9"}}});
  Json seen;
  run(
      [&](const InvocationRequest& r) {
        const InvocationContext* current = current_context();
        seen = {{"request_id", r.context.request_id},
                {"arn", r.context.function_arn},
                {"trace", r.context.trace_id},
                {"client_context", r.context.client_context},
                {"cognito", r.context.cognito_identity},
                {"tenant", r.context.tenant_id},
                {"remaining", r.context.remaining_time().count()},
                {"env_trace", std::getenv("_X_AMZN_TRACE_ID")},
                {"current_is_this", current == &r.context}};
        return std::string("{}");
      },
      {api.endpoint(), 1});
  EXPECT_EQ(seen["request_id"], "req-ctx");
  EXPECT_EQ(seen["arn"], "arn:aws:lambda:us-east-2:1:function:f");
  EXPECT_EQ(seen["trace"], "Root=1-abc;Parent=def;Sampled=1");
  EXPECT_EQ(seen["env_trace"], "Root=1-abc;Parent=def;Sampled=1");
  EXPECT_EQ(seen["client_context"], R"({"custom":{"k":"v"}})");
  EXPECT_EQ(seen["cognito"], R"({"cognitoIdentityId":"id-1"})");
  EXPECT_EQ(seen["tenant"], "tenant-9");
  EXPECT_GT(seen["remaining"].get<long long>(), 3000);
  EXPECT_LE(seen["remaining"].get<long long>(), 5000);
  EXPECT_EQ(seen["current_is_this"], true);
  EXPECT_EQ(current_context(), nullptr);
}

TEST(RuntimeTest, TraceVariableFollowsEachInvocation) {
  FakeRuntimeApi api;
  api.enqueue({"a", "{}", {{"Lambda-Runtime-Trace-Id", "Root=1-first"}}});
  api.enqueue({"b", "{}", {}});
  std::vector<std::string> seen;
  run(
      [&](const InvocationRequest&) {
        const char* value = std::getenv("_X_AMZN_TRACE_ID");
        seen.emplace_back(value ? value : "<unset>");
        return std::string("{}");
      },
      {api.endpoint(), 2});
  EXPECT_EQ(seen, (std::vector<std::string>{"Root=1-first", "<unset>"}));
}

TEST(RuntimeTest, StandardExceptionIsPostedAsErrorAndLoopContinues) {
  FakeRuntimeApi api;
  api.enqueue({"bad", "{}", {}});
  api.enqueue({"good", "{}", {}});
  int calls = 0;
  run(
      [&](const InvocationRequest&) -> std::string {
        if (++calls == 1) throw std::invalid_argument("no such order");
        return "ok";
      },
      {api.endpoint(), 2});
  auto posted = api.posted();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_EQ(posted[0].path, "/2018-06-01/runtime/invocation/bad/error");
  EXPECT_EQ(header(posted[0].headers, "Lambda-Runtime-Function-Error-Type"), "InvalidArgument");
  EXPECT_EQ(Json::parse(posted[0].body), (Json{{"errorMessage", "no such order"},
                                               {"errorType", "InvalidArgument"},
                                               {"stackTrace", Json::array()}}));
  EXPECT_EQ(posted[1].path, "/2018-06-01/runtime/invocation/good/response");
}

TEST(RuntimeTest, NonStandardExceptionIsPostedAsError) {
  FakeRuntimeApi api;
  api.enqueue({"weird", "{}", {}});
  api.enqueue({"after", "{}", {}});
  int calls = 0;
  run(
      [&](const InvocationRequest&) -> std::string {
        if (++calls == 1) throw 42;
        return "ok";
      },
      {api.endpoint(), 2});
  auto posted = api.posted();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_EQ(header(posted[0].headers, "Lambda-Runtime-Function-Error-Type"), "UnknownException");
  EXPECT_EQ(Json::parse(posted[0].body)["errorType"], "UnknownException");
  EXPECT_EQ(posted[1].path, "/2018-06-01/runtime/invocation/after/response");
}

TEST(RuntimeTest, ErrorTypeWithNewlinesCannotInjectHeaders) {
  FakeRuntimeApi api;
  api.enqueue({"inj", "{}", {}});
  run([](const InvocationRequest&) -> std::string { throw Error("Bad\r\nX-Injected: yes", "m"); },
      {api.endpoint(), 1});
  auto posted = api.posted();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(header(posted[0].headers, "X-Injected"), "");
  EXPECT_EQ(header(posted[0].headers, "Lambda-Runtime-Function-Error-Type"),
            "Bad__X-Injected: yes");
}

TEST(RuntimeTest, RefusedOversizedReplyIsReportedAsError) {
  FakeRuntimeApi api;
  api.set_response_status(413);
  api.enqueue({"big", "{}", {}});
  run([](const InvocationRequest&) { return std::string(7 * 1024 * 1024, 'x'); },
      {api.endpoint(), 1});
  auto posted = api.posted();
  ASSERT_EQ(posted.size(), 2u);
  EXPECT_EQ(posted[0].path, "/2018-06-01/runtime/invocation/big/response");
  EXPECT_EQ(posted[1].path, "/2018-06-01/runtime/invocation/big/error");
  Json error = Json::parse(posted[1].body);
  EXPECT_EQ(error["errorType"], "Function.ResponseSizeTooLarge");
  EXPECT_NE(error["errorMessage"].get<std::string>().find("7340032 bytes"), std::string::npos);
}

TEST(RuntimeTest, TransientNextFailuresAreRetried) {
  FakeRuntimeApi api;
  api.fail_next_times(3);
  api.enqueue({"eventually", "{}", {}});
  EXPECT_EQ(run([](const InvocationRequest&) { return std::string("ok"); }, {api.endpoint(), 1}),
            0);
  EXPECT_EQ(api.next_calls(), 4);
  ASSERT_EQ(api.posted().size(), 1u);
}

TEST(RuntimeTest, ContainerErrorOnNextExits) {
  FakeRuntimeApi api;
  api.set_next_status(500);
  EXPECT_EQ(run([](const InvocationRequest&) { return std::string("ok"); }, {api.endpoint(), 1}),
            1);
}

TEST(RuntimeTest, UnreachableRuntimeApiIsRetriedNotFatal) {
  // Nothing listens yet; the loop keeps trying until the API comes up.
  int port = aws_helper::testing::unused_port();
  std::string endpoint = "127.0.0.1:" + std::to_string(port);
  std::atomic<int> code{-1};
  std::thread loop([&] {
    code = run([](const InvocationRequest&) { return std::string("late"); }, {endpoint, 1});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(code.load(), -1);  // still retrying
  httplib::Server late;
  late.Get("/2018-06-01/runtime/invocation/next",
           [](const httplib::Request&, httplib::Response& res) {
             res.set_header("Lambda-Runtime-Aws-Request-Id", "late-1");
             res.set_content("{}", "application/json");
           });
  late.Post(R"(/2018-06-01/runtime/(.*))",
            [](const httplib::Request&, httplib::Response& res) { res.status = 202; });
  ASSERT_TRUE(late.bind_to_port("127.0.0.1", port));
  std::thread server([&] { late.listen_after_bind(); });
  loop.join();
  late.stop();
  server.join();
  EXPECT_EQ(code.load(), 0);
}

TEST(RuntimeTest, MissingEndpointIsAConfigurationExit) {
  unsetenv("AWS_LAMBDA_RUNTIME_API");
  EXPECT_EQ(run([](const InvocationRequest&) { return std::string(); }), 2);
}

TEST(RuntimeTest, InitErrorIsPosted) {
  FakeRuntimeApi api;
  EXPECT_TRUE(
      report_init_error("Runtime.UnknownHandler", "Unknown handler 'x'", {api.endpoint(), 0}));
  auto posted = api.posted();
  ASSERT_EQ(posted.size(), 1u);
  EXPECT_EQ(posted[0].path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(header(posted[0].headers, "Lambda-Runtime-Function-Error-Type"),
            "Runtime.UnknownHandler");
  EXPECT_EQ(Json::parse(posted[0].body)["errorMessage"], "Unknown handler 'x'");
}

TEST(RuntimeTest, EachInvocationStartsWithAnEmptySession) {
  FakeRuntimeApi api;
  api.enqueue({"1", "{}", {}});
  api.enqueue({"2", "{}", {}});
  std::vector<bool> empty;
  run(
      [&](const InvocationRequest&) {
        empty.push_back(get_session().empty());
        set_session(Session{"leaky", std::nullopt});
        return std::string("{}");
      },
      {api.endpoint(), 2});
  EXPECT_EQ(empty, (std::vector<bool>{true, true}));
}

TEST(InvocationContextTest, RemainingTimeIsNeverNegative) {
  InvocationContext context;
  context.deadline = std::chrono::system_clock::now() - std::chrono::seconds(5);
  EXPECT_EQ(context.remaining_time().count(), 0);
}

TEST(InvocationContextTest, MissingDeadlineFallsBackToFunctionTimeout) {
  setenv("AWS_LAMBDA_FUNCTION_TIMEOUT", "30", 1);
  auto context = context_from_headers({{"Lambda-Runtime-Aws-Request-Id", "x"}});
  unsetenv("AWS_LAMBDA_FUNCTION_TIMEOUT");
  EXPECT_GT(context.remaining_time().count(), 29000);
  EXPECT_LE(context.remaining_time().count(), 30000);
}

// Found by tests/fuzz/runtime_headers (corpus: crash-deadline-beyond-2262): a deadline in
// milliseconds was converted to system_clock's nanoseconds without a range check, a signed
// overflow for anything past 2262 (here 1542409706886888 ms, the digits of a real one doubled).
TEST(InvocationContextTest, ADeadlineBeyondTheClockFallsBackToFunctionTimeout) {
  setenv("AWS_LAMBDA_FUNCTION_TIMEOUT", "30", 1);
  for (const char* deadline : {"1542409706886888", "9223372036854775807"}) {
    auto context = context_from_headers(
        {{"Lambda-Runtime-Aws-Request-Id", "x"}, {"Lambda-Runtime-Deadline-Ms", deadline}});
    EXPECT_GT(context.remaining_time().count(), 29000) << deadline;
    EXPECT_LE(context.remaining_time().count(), 30000) << deadline;
  }
  unsetenv("AWS_LAMBDA_FUNCTION_TIMEOUT");
  // The latest deadline the clock holds is still read as sent.
  auto latest = context_from_headers({{"Lambda-Runtime-Deadline-Ms", "9223372036854"}});
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::milliseconds>(latest.deadline.time_since_epoch())
          .count(),
      9223372036854);
}

}  // namespace
}  // namespace aws_helper::runtime
