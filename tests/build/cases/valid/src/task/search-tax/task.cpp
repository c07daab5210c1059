#include <aws_helper/fargate.hpp>

class SearchTaxTask : public aws_helper::FargateTask {
 public:
  void execute() override {}
};
