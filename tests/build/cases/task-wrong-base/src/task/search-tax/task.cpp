#include <aws_helper/sqs.hpp>

class SearchTaxTask : public aws_helper::SQSConsumer {};
