// The peers that ./scripts/test starts are up and speak their protocols. The MongoDB and AWS
// layers test against them in depth; this only proves the harness hands working addresses over.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include "http/http_client.hpp"

namespace {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << name << " is not set: run the integration tests through ./scripts/test, "
                  << "which starts the peers";
    return {};
  }
  return value;
}

TEST(PeersTest, FerretDbAnswersPing) {
  std::string uri = required_env("AWS_HELPER_FERRETDB_URI");
  ASSERT_FALSE(uri.empty());
  mongoc_init();
  bson_error_t error;
  mongoc_uri_t* parsed = mongoc_uri_new_with_error(uri.c_str(), &error);
  ASSERT_NE(parsed, nullptr) << error.message;
  mongoc_client_t* client = mongoc_client_new_from_uri(parsed);
  bson_t* ping = BCON_NEW("ping", BCON_INT32(1));
  bson_t reply;
  bool ok = mongoc_client_command_simple(client, "admin", ping, nullptr, &reply, &error);
  EXPECT_TRUE(ok) << error.message;
  bson_iter_t it;
  ASSERT_TRUE(bson_iter_init_find(&it, &reply, "ok"));
  EXPECT_EQ(bson_iter_as_double(&it), 1.0);
  bson_destroy(&reply);
  bson_destroy(ping);
  mongoc_client_destroy(client);
  mongoc_uri_destroy(parsed);
  mongoc_cleanup();
}

TEST(PeersTest, MotoAnswersAnSqsCall) {
  std::string url = required_env("AWS_HELPER_MOTO_URL");
  ASSERT_FALSE(url.empty());
  aws_helper::http::Client client;
  aws_helper::http::Request request;
  request.method = "POST";
  request.url = url + "/";
  // moto picks the service from the credential scope; it does not check signatures by default.
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Authorization",
                      "AWS4-HMAC-SHA256 Credential=testing/20261126/us-east-2/sqs/aws4_request, "
                      "SignedHeaders=host, Signature=0"}};
  request.body = "Action=ListQueues&Version=2012-11-05";
  request.timeout = std::chrono::seconds(10);
  auto response = client.send(request);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.body.find("ListQueuesResponse"), std::string::npos) << response.body;
}

}  // namespace
