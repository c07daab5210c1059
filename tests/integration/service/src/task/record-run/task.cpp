// Records what the task saw (session, TASK_NAME, CONSTITUTION_STATE, TOWN) in tasks_test.runs;
// TOWN=fail makes it fail.
#include <aws_helper/fargate.hpp>

class RecordRunTask : public aws_helper::FargateTask {
 public:
  void execute() override {
    auto town = require_env("TOWN");
    if (town == "fail") throw aws_helper::ValueError("town 'fail' refused");
    db()["tasks_test"]["runs"].insert_one(
        {{"town", town},
         {"task_name", get_env("TASK_NAME", "")},
         {"constitution_state", get_env("CONSTITUTION_STATE", "")},
         {"state", session().state() ? aws_helper::Json(*session().state()) : aws_helper::Json()}});
  }
};
