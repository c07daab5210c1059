#include <aws_helper/api.hpp>

// A form body, and a binary reply when asked for one.
class ShippingsPostAPI : public aws_helper::API {
 public:
  void process() override {
    if (query_parameters().get("format") == "bytes") {
      set_raw_body(raw_body(), "application/octet-stream");
      return;
    }
    set_code(201).set_body({{"data", data()}, {"raw_size", raw_body().size()}});
  }
};
