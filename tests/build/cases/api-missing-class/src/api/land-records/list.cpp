#include <aws_helper/api.hpp>

class LandRecordList : public aws_helper::API {
 public:
  void process() override {}
};
