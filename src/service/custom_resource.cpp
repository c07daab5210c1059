#include "service/custom_resource.hpp"

#include <chrono>

#include <aws_helper/error.hpp>
#include <aws_helper/log.hpp>

#include "http/http_client.hpp"

namespace aws_helper::detail {

namespace {

const Logger& logger() {
  static const Logger instance{"aws_helper.custom_resource"};
  return instance;
}

constexpr std::size_t kMaxDataBytes = 4096;  // CloudFormation's limit on a response's Data

void respond(const Json& event, const Json& reply) {
  http::Request request;
  request.method = "PUT";
  request.url = event["ResponseURL"].get<std::string>();
  // The presigned URL was signed without a content type: send none.
  request.headers.set("Content-Type", "");
  request.body = dump_json(reply);
  request.timeout = std::chrono::seconds(10);
  try {
    auto response = http::Client().send(request);
    if (response.status / 100 != 2) {
      logger().error("CloudFormation's ResponseURL answered {}: {}", response.status,
                     excerpt(response.body, 300));
    }
  } catch (const std::exception& error) {
    // The client's message names the URL; its query is the presigned signature, kept out of
    // the logs.
    std::string message = error.what();
    const std::string& url = request.url;
    if (auto query = url.find('?'); query != std::string::npos) {
      for (auto at = message.find(url); at != std::string::npos; at = message.find(url, at)) {
        message.replace(at, url.size(), url.substr(0, query) + "?...");
      }
    }
    logger().error("Could not answer CloudFormation at its ResponseURL: {}", message);
  }
}

}  // namespace

bool is_custom_resource_request(const Json& event) {
  if (!event.is_object()) return false;
  for (const char* key :
       {"RequestType", "ResponseURL", "StackId", "RequestId", "LogicalResourceId"}) {
    auto it = event.find(key);
    if (it == event.end() || !it->is_string()) return false;
  }
  return true;
}

Json run_custom_resource(const Json& event, const std::function<Json(const Json&)>& run) {
  const std::string type = event["RequestType"].get<std::string>();
  std::string physical = event.value("PhysicalResourceId", "");
  if (physical.empty()) {
    physical = event["LogicalResourceId"].get<std::string>() + "-" +
               event["RequestId"].get<std::string>().substr(0, 8);
  }
  Json reply = {{"Status", "SUCCESS"},
                {"PhysicalResourceId", physical},
                {"StackId", event["StackId"]},
                {"RequestId", event["RequestId"]},
                {"LogicalResourceId", event["LogicalResourceId"]}};
  Json envelope = {{"success", true}};
  if (type == "Create" || type == "Update") {
    Json properties = event.value("ResourceProperties", Json::object());
    if (properties.is_object()) properties.erase("ServiceToken");
    envelope = run(Json{{"data", properties}});
    if (!envelope.value("success", false)) {
      reply["Status"] = "FAILED";
      std::string reason = envelope.value("error", std::string("the Lambda reported a failure"));
      reply["Reason"] = excerpt(reason, 1000);
    }
    if (auto data = envelope.find("data"); data != envelope.end() && data->is_object()) {
      std::string text = dump_json(*data);
      if (text.size() <= kMaxDataBytes) reply["Data"] = *data;
    }
  } else if (type != "Delete") {
    reply["Status"] = "FAILED";
    reply["Reason"] = "Unknown RequestType '" + excerpt(type) + "'";
    envelope = {{"success", false}, {"error", reply["Reason"]}};
  }
  logger().info("CloudFormation {} of {}: {}", excerpt(type), physical,
                reply["Status"].get<std::string>());
  respond(event, reply);
  return envelope;
}

}  // namespace aws_helper::detail
