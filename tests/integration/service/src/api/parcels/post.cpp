#include <aws_helper/api.hpp>

#include "lib/parcel.hpp"

class ParcelsPostAPI : public aws_helper::API {
 public:
  const aws_helper::Schema* schema() const override { return &aws_helper::schema_of<NewParcel>(); }
  void process() override {
    NewParcel parcel = input<NewParcel>();
    set_code(201).set_body({{"data", data()},
                            {"total_weight", parcel.weight_kg * parcel.pieces},
                            {"carrier", parcel.carrier_id}});
  }
};
