// Fans out on the framework pool; each task reports the session it runs under and counts itself
// in the invocation's metrics (an EMF line with FanOutTasks = 16 under the session's state).
#include <functional>

#include <aws_helper/lambda.hpp>
#include <aws_helper/pool.hpp>

class FanOutLambda : public aws_helper::Lambda {
 public:
  aws_helper::Json process() override {
    std::vector<std::function<std::string()>> tasks(16, [this] {
      metrics().count("FanOutTasks");
      return aws_helper::get_session().state().value_or("<none>");
    });
    return aws_helper::gather(tasks, 4);
  }
};
