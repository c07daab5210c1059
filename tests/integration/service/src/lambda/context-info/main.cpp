// Reports what the framework handed it: the invocation context, the trace variable, the session.
#include <cstdlib>

#include <aws_helper/lambda.hpp>

class ContextInfoLambda : public aws_helper::Lambda {
 public:
  [[nodiscard]] bool requires_state() const override { return false; }

  aws_helper::Json process() override {
    const char* trace = std::getenv("_X_AMZN_TRACE_ID");
    logger().info("context-info called");
    return {{"request_id", context().request_id},
            {"function_arn", context().function_arn},
            {"trace_id", context().trace_id},
            {"trace_env", trace != nullptr ? aws_helper::Json(trace) : aws_helper::Json()},
            {"client_context", context().client_context},
            {"cognito_identity", context().cognito_identity},
            {"tenant_id", context().tenant_id},
            {"remaining_ms", context().remaining_time().count()},
            {"session", session().to_json()}};
  }
};
