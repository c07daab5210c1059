// Records metrics the way a task does (a counter, a timed step, a dimension, metadata) and
// fails when ROWS=fail, so the end-to-end test sees the EMF line written after either outcome.
#include <aws_helper/fargate.hpp>

class EmitMetricsTask : public aws_helper::FargateTask {
 public:
  void execute() override {
    auto rows = get_env("ROWS", "3");
    metrics().add_dimension("Source", "e2e");
    metrics().add_metadata("rows", rows);
    metrics().time("ImportTime", [] {});
    if (rows == "fail") {
      metrics().count("ImportFailures");
      throw aws_helper::ValueError("rows 'fail' refused");
    }
    metrics().count("RowsImported", std::stod(rows));
  }
};
