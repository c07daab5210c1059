#include <gtest/gtest.h>

#include <aws_helper/lambda.hpp>
#include <aws_helper/state_validator.hpp>

namespace aws_helper {
namespace {

// States are looked up in a fixed set here; against core.states in tests/integration.
class KnownStates : public ::testing::Environment {
 public:
  void SetUp() override {
    StateValidator::set_lookup([](const std::string& state) { return state == "ohio"; });
  }
  void TearDown() override { StateValidator::set_lookup(nullptr); }
};
const auto* const kKnownStates = ::testing::AddGlobalTestEnvironment(new KnownStates);

runtime::InvocationContext test_context() {
  runtime::InvocationContext context;
  context.request_id = "req-1";
  context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(3);
  return context;
}

// Returns what it saw, so the tests can check what the framework handed it.
class EchoLambda : public Lambda {
 public:
  Json process() override {
    return {{"data", data()},
            {"session", get_session().to_json()},
            {"request_id", context().request_id}};
  }
};

class StatelessLambda : public EchoLambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
};

TEST(LambdaTest, SuccessEnvelopeWithData) {
  EchoLambda lambda;
  Json reply =
      run_lambda(lambda, {{"session", {{"state", "ohio"}}}, {"data", {{"x", 1}}}}, test_context());
  EXPECT_EQ(reply["success"], true);
  EXPECT_EQ(reply["data"]["data"], (Json{{"x", 1}}));
  EXPECT_EQ(reply["data"]["session"], (Json{{"state", "ohio"}}));
  EXPECT_EQ(reply["data"]["request_id"], "req-1");
  EXPECT_EQ(reply.size(), 2u);
}

class MongoTypesLambda : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  Json process() override {
    return {{"_id", {{"$oid", "65f1a2b3c4d5e6f7a8b9c0d1"}}},
            {"at", {{"$date", "2026-11-26T14:00:00.000Z"}}}};
  }
};

TEST(LambdaTest, EnvelopeDataIsSerialisedLikeTheSeed) {
  MongoTypesLambda lambda;
  EXPECT_EQ(run_lambda(lambda, Json::object(), test_context())["data"],
            (Json{{"_id", "65f1a2b3c4d5e6f7a8b9c0d1"}, {"at", "2026-11-26T14:00:00.000Z"}}));
}

TEST(LambdaTest, WholeEventIsDataWithoutDataKey) {
  EchoLambda lambda;
  Json event = {{"session", {{"state", "ohio"}}}, {"x", 1}};
  Json reply = run_lambda(lambda, event, test_context());
  EXPECT_EQ(reply["data"]["data"], event);
}

TEST(LambdaTest, MissingStateIsErrorEnvelope) {
  for (const Json& event : {Json{{"data", {}}}, Json{{"session", {}}, {"data", {}}},
                            Json{{"session", {{"state", ""}}}}, Json{{"session", nullptr}}}) {
    EchoLambda lambda;
    Json reply = run_lambda(lambda, event, test_context());
    EXPECT_EQ(reply, (Json{{"success", false},
                           {"error", "'session' with 'state' is required in the event"},
                           {"error_type", "ValueError"}}))
        << event.dump();
  }
}

TEST(LambdaTest, InvalidStateNameIsRefused) {
  EchoLambda lambda;
  Json reply = run_lambda(lambda, {{"session", {{"state", "admin"}}}}, test_context());
  EXPECT_EQ(reply["success"], false);
  EXPECT_EQ(reply["error_type"], "InvalidStateError");
}

TEST(LambdaTest, InactiveStateIsInvalidStateError) {
  EchoLambda lambda;
  EXPECT_EQ(run_lambda(lambda, {{"session", {{"state", "atlantis"}}}}, test_context()),
            (Json{{"success", false},
                  {"error", "State 'atlantis' is not valid or not active"},
                  {"error_type", "InvalidStateError"}}));
}

TEST(StateValidatorTest, CachesValidStatesOnly) {
  int lookups = 0;
  StateValidator::set_lookup([&](const std::string& state) {
    ++lookups;
    return state == "texas";
  });
  StateValidator::validate("texas");
  StateValidator::validate("texas");
  EXPECT_EQ(lookups, 1);
  EXPECT_THROW(StateValidator::validate("nowhere"), InvalidStateError);
  EXPECT_THROW(StateValidator::validate("nowhere"), InvalidStateError);
  EXPECT_EQ(lookups, 3);
  EXPECT_THROW(StateValidator::validate("admin"), InvalidStateError);  // no lookup for it
  EXPECT_EQ(lookups, 3);
  StateValidator::clear_cache();
  StateValidator::validate("texas");
  EXPECT_EQ(lookups, 4);
  StateValidator::set_lookup([](const std::string& state) { return state == "ohio"; });
}

TEST(StateValidatorTest, LookupFailuresPropagate) {
  StateValidator::set_lookup(
      [](const std::string&) -> bool { throw ConfigurationError("MongoDB is not configured"); });
  EXPECT_THROW(StateValidator::validate("ohio"), ConfigurationError);
  StateValidator::set_lookup([](const std::string& state) { return state == "ohio"; });
}

TEST(LambdaTest, StatelessLambdaTakesOptionalSessionAsGiven) {
  StatelessLambda lambda;
  EXPECT_EQ(run_lambda(lambda, {{"a", 1}}, test_context())["data"]["session"], Json::object());
  Json reply =
      run_lambda(lambda, {{"session", {{"user", {{"id", 7}, {"password", "x"}}}}}, {"data", 1}},
                 test_context());
  EXPECT_EQ(reply["data"]["session"], (Json{{"user", {{"id", 7}}}}));
}

TEST(LambdaTest, NonObjectSessionOrEventIsValueError) {
  StatelessLambda lambda;
  EXPECT_EQ(run_lambda(lambda, {{"session", "ohio"}}, test_context())["error"],
            "'session' must be an object");
  EXPECT_EQ(run_lambda(lambda, Json::array(), test_context())["error"],
            "The event must be a JSON object");
  EXPECT_EQ(run_lambda(lambda, {{"session", {{"state", 5}}}}, test_context())["error"],
            "'session.state' must be a string");
}

TEST(LambdaTest, SessionDoesNotOutliveTheInvocation) {
  set_session(Session{"before", std::nullopt});
  EchoLambda lambda;
  (void)run_lambda(lambda, {{"session", {{"state", "ohio"}}}}, test_context());
  EXPECT_EQ(get_session().state(), "before");
  set_session(Session{});
}

class ValidatingLambda : public Lambda {
 public:
  void validate() override {
    if (!data().contains("id")) throw ValueError("'id' is required");
  }
  Json process() override { return "ok"; }
};

TEST(LambdaTest, ValidateErrorBecomesEnvelope) {
  ValidatingLambda lambda;
  Json reply = run_lambda(lambda, {{"session", {{"state", "ohio"}}}, {"data", {}}}, test_context());
  EXPECT_EQ(
      reply,
      (Json{{"success", false}, {"error", "'id' is required"}, {"error_type", "ValueError"}}));
}

class Throwing : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  Json process() override {
    if (data() == "std") throw std::out_of_range("index 9");
    throw 42;
  }
};

TEST(LambdaTest, StandardExceptionBecomesEnvelope) {
  Throwing lambda;
  EXPECT_EQ(run_lambda(lambda, {{"data", "std"}}, test_context()),
            (Json{{"success", false}, {"error", "index 9"}, {"error_type", "OutOfRange"}}));
}

TEST(LambdaTest, NonStandardExceptionReachesTheRuntimeLoop) {
  Throwing lambda;
  EXPECT_THROW((void)run_lambda(lambda, {{"data", "int"}}, test_context()), int);
}

class NameSchema : public Schema {
 public:
  [[nodiscard]] Json validate(const Json& data) const override {
    if (!data.contains("name") || !data["name"].is_string()) {
      throw ValueError("name: field required");
    }
    return {{"name", data["name"]}, {"count", data.value("count", 1)}};
  }
};

class SchemaLambda : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  [[nodiscard]] const Schema* schema() const override { return &schema_; }
  void validate() override { validated_with = data(); }
  Json process() override { return data(); }
  Json validated_with;

 private:
  NameSchema schema_;
};

TEST(LambdaTest, SchemaNormalisesDataBeforeValidate) {
  SchemaLambda lambda;
  Json reply = run_lambda(lambda, {{"data", {{"name", "n"}, {"extra", true}}}}, test_context());
  EXPECT_EQ(reply["data"], (Json{{"name", "n"}, {"count", 1}}));
  EXPECT_EQ(lambda.validated_with, (Json{{"name", "n"}, {"count", 1}}));
}

TEST(LambdaTest, SchemaFailureIsErrorEnvelope) {
  SchemaLambda lambda;
  Json reply = run_lambda(lambda, {{"data", {{"count", 2}}}}, test_context());
  EXPECT_EQ(reply["error"], "name: field required");
  EXPECT_EQ(reply["error_type"], "ValueError");
  EXPECT_TRUE(lambda.validated_with.is_null());
}

// process() run from a filled invocation, and begin() forgetting an earlier report_failure().
class PartialLambda : public Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }
  Json process() override {
    if (data().value("partial", false)) report_failure("half done");
    return {{"a", data().value("a", 0)}};
  }
};

TEST(LambdaTest, AFilledInvocationRunsProcessAndBeginForgetsAReportedFailure) {
  PartialLambda lambda;
  LambdaInvocation invocation;
  invocation.data = {{"a", 2}, {"partial", true}};
  lambda.begin(std::move(invocation), "PartialLambda");
  EXPECT_EQ(lambda.process(), (Json{{"a", 2}}));
  ASSERT_TRUE(lambda.reported_failure().has_value());
  EXPECT_EQ(lambda.reported_failure()->second, "PartialFailure");
  EXPECT_EQ(lambda.logger().name(), "PartialLambda");
  Json envelope = run_lambda(lambda, {{"data", {{"a", 3}}}}, test_context());
  EXPECT_EQ(envelope["success"], true);
  EXPECT_EQ(envelope["data"], (Json{{"a", 3}}));
  EXPECT_FALSE(lambda.reported_failure().has_value());
}

}  // namespace
}  // namespace aws_helper
