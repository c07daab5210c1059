#include <aws_helper/lambda.hpp>

#include "lib/parcel.hpp"

class ValidatedLambda : public aws_helper::Lambda {
 public:
  bool requires_state() const override { return false; }
  const aws_helper::Schema* schema() const override { return &aws_helper::schema_of<NewParcel>(); }
  aws_helper::Json process() override {
    return {{"pieces", input<NewParcel>().pieces}, {"data", data()}};
  }
};
