#include <aws_helper/sqs.hpp>

class TitleIndexedConsumer : public aws_helper::SQSConsumer {};
