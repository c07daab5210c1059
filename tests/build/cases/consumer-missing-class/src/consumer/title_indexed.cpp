#include <aws_helper/sqs.hpp>

class TitleIndexed : public aws_helper::SQSConsumer {};
