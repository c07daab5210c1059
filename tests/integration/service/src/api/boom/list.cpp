#include <stdexcept>

#include <aws_helper/api.hpp>

class BoomListAPI : public aws_helper::API {
 public:
  void process() override {
    if (data().value("kind", "") == "db") {
      (void)db()["boom"]["x"].count_documents();  // MONGODB_URI points nowhere in that test
    }
    throw std::runtime_error("connection string mongodb://admin:hunter2@10.0.0.1 failed");
  }
};
