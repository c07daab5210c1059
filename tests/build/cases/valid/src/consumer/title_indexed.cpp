#include <aws_helper/sqs.hpp>

class TitleIndexedConsumer : public aws_helper::SQSConsumer {
 public:
  void process_record(const aws_helper::Json& /*record*/) override {}
};
