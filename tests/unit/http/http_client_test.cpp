#include "http/http_client.hpp"

#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "support/ports.hpp"

namespace aws_helper::http {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Method", req.method);
      res.set_header("X-Got", req.get_header_value("x-custom"));
      res.set_content(req.body, "text/plain");
    });
    server_.Put("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Method", req.method);
      res.set_content(req.body, "text/plain");
    });
    server_.Get("/status", [](const httplib::Request&, httplib::Response& res) {
      res.status = 418;
      res.set_content("teapot", "text/plain");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(HttpClientTest, SendsBodyAndHeadersAndReadsReply) {
  Client client;
  Request request;
  request.method = "POST";
  request.url = url("/echo");
  request.headers = {{"X-Custom", "v1"}};
  request.body = std::string("a\0b", 3);
  Response response = client.send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, std::string("a\0b", 3));
  EXPECT_EQ(response.header("x-got"), "v1");
  EXPECT_EQ(response.header("X-METHOD"), "POST");
  EXPECT_FALSE(response.header("absent").has_value());
}

TEST_F(HttpClientTest, OtherMethodsAndStatusesPassThrough) {
  Client client;
  Request put;
  put.method = "PUT";
  put.url = url("/echo");
  put.body = "x";
  EXPECT_EQ(client.send(put).header("X-Method"), "PUT");
  Request get;
  get.url = url("/status");
  Response response = client.send(get);
  EXPECT_EQ(response.status, 418);
  EXPECT_EQ(response.body, "teapot");
}

TEST_F(HttpClientTest, TimeoutIsATransportError) {
  Client client;
  Request request;
  request.url = url("/slow");
  request.timeout = std::chrono::milliseconds(100);
  try {
    (void)client.send(request);
    FAIL() << "expected a timeout";
  } catch (const TransportError& error) {
    EXPECT_TRUE(error.timed_out());
  }
}

TEST(HttpClientStandaloneTest, ConnectionRefusedIsATransportError) {
  int port = aws_helper::testing::unused_port();
  Client client;
  Request request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  try {
    (void)client.send(request);
    FAIL() << "expected a refusal";
  } catch (const TransportError& error) {
    EXPECT_FALSE(error.timed_out());
    EXPECT_NE(std::string(error.what()).find("GET http://127.0.0.1:"), std::string::npos);
  }
}

}  // namespace
}  // namespace aws_helper::http
