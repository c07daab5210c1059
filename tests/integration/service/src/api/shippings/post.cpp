#include <chrono>
#include <string>
#include <thread>

#include <aws_helper/api.hpp>

// A form body, and a binary reply when asked for one; ?sleep_ms=N takes that long first (a
// request still in flight when a test stops the server).
class ShippingsPostAPI : public aws_helper::API {
 public:
  void process() override {
    if (auto sleep = query_parameters().get("sleep_ms")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(*sleep)));
    }
    if (query_parameters().get("format") == "bytes") {
      set_raw_body(raw_body(), "application/octet-stream");
      return;
    }
    set_code(201).set_body({{"data", data()}, {"raw_size", raw_body().size()}});
  }
};
