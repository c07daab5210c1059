#include <aws_helper/api.hpp>

class LandRecordsGetAPI : public aws_helper::API {
 public:
  void process() override {
    set_body({{"id", path_parameters().at("land_record_id")}, {"q", data().value("q", "")}});
  }
};
