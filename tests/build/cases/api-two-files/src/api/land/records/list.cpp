#include <aws_helper/api.hpp>

class LandRecordsListAPI : public aws_helper::API {
 public:
  void process() override {}
};
