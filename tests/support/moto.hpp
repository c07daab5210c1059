// SQS and SNS calls for tests against moto, on the framework's own AWS client: queues, topics,
// subscriptions, and messages received as the records of a Lambda SQS event.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <aws_helper/aws.hpp>
#include <aws_helper/json.hpp>

namespace aws_helper::testing {

struct Queue {
  std::string url;
  std::string arn;
};

// The SQS and SNS calls the tests need, on the framework's own client.
class Sqs {
 public:
  Queue create(const std::string& name) {
    auto reply = client_.query("CreateQueue", "2012-11-05", {{"QueueName", name}});
    Queue queue;
    queue.url = aws::xml_text(reply.body, "QueueUrl").value_or("");
    auto attributes = client_.query("GetQueueAttributes", "2012-11-05",
                                    {{"QueueUrl", queue.url}, {"AttributeName.1", "QueueArn"}});
    queue.arn = aws::xml_text(attributes.body, "Value").value_or("");
    EXPECT_FALSE(queue.arn.empty()) << attributes.body;
    return queue;
  }

  // Receives `count` messages as the records of a Lambda SQS event.
  // The bodies of what one short receive finds (none is an answer, not a failure).
  std::vector<std::string> receive_now(const Queue& queue) {
    auto reply = client_.query(
        "ReceiveMessage", "2012-11-05",
        {{"QueueUrl", queue.url}, {"MaxNumberOfMessages", "10"}, {"WaitTimeSeconds", "1"}});
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_buffer(reply.body.data(), reply.body.size()));
    std::vector<std::string> bodies;
    for (auto message : doc.select_nodes("//Message"))
      bodies.emplace_back(message.node().child_value("Body"));
    return bodies;
  }

  std::vector<Json> receive(const Queue& queue, std::size_t count) {
    std::vector<Json> records;
    for (int round = 0; round < 30 && records.size() < count; ++round) {
      auto reply = client_.query("ReceiveMessage", "2012-11-05",
                                 {{"QueueUrl", queue.url},
                                  {"MaxNumberOfMessages", "10"},
                                  {"WaitTimeSeconds", "1"},
                                  {"VisibilityTimeout", "120"},
                                  {"AttributeName.1", "All"},
                                  {"MessageAttributeName.1", "All"}});
      pugi::xml_document doc;
      EXPECT_TRUE(doc.load_buffer(reply.body.data(), reply.body.size()));
      for (auto message : doc.select_nodes("//Message")) {
        auto node = message.node();
        Json attributes = Json::object();
        for (auto a : node.children("Attribute")) {
          attributes[a.child_value("Name")] = a.child_value("Value");
        }
        Json message_attributes = Json::object();
        for (auto a : node.children("MessageAttribute")) {
          auto value = a.child("Value");
          message_attributes[a.child_value("Name")] = {
              {"stringValue", value.child_value("StringValue")},
              {"stringListValues", Json::array()},
              {"binaryListValues", Json::array()},
              {"dataType", value.child_value("DataType")}};
        }
        records.push_back({{"messageId", node.child_value("MessageId")},
                           {"receiptHandle", node.child_value("ReceiptHandle")},
                           {"body", node.child_value("Body")},
                           {"attributes", attributes},
                           {"messageAttributes", message_attributes},
                           {"md5OfBody", node.child_value("MD5OfBody")},
                           {"eventSource", "aws:sqs"},
                           {"eventSourceARN", queue.arn},
                           {"awsRegion", "us-east-2"}});
      }
    }
    EXPECT_EQ(records.size(), count) << "messages received from " << queue.url;
    return records;
  }

 private:
  aws::AwsClient client_{"sqs", "SQS"};
};

class Sns {
 public:
  std::string create_topic(const std::string& name) {
    auto reply = client_.query("CreateTopic", "2010-03-31", {{"Name", name}});
    return aws::xml_text(reply.body, "TopicArn").value_or("");
  }
  void subscribe(const std::string& topic, const Queue& queue, bool raw) {
    std::vector<std::pair<std::string, std::string>> params = {
        {"TopicArn", topic}, {"Protocol", "sqs"}, {"Endpoint", queue.arn}};
    if (raw) {
      params.emplace_back("Attributes.entry.1.key", "RawMessageDelivery");
      params.emplace_back("Attributes.entry.1.value", "true");
    }
    static_cast<void>(client_.query("Subscribe", "2010-03-31", params));
  }

 private:
  aws::AwsClient client_{"sns", "SNS"};
};

}  // namespace aws_helper::testing
