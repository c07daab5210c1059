// Framework time per API request, without I/O, and requests per second through the local
// server.
//
//   in process: event JSON text -> the `api` handler -> reply JSON text, the whole framework
//               path (parse, route, CORS, data, schema, process, MongoDB JSON conversion,
//               reply shape, dump) for three requests; p50 / p99 / mean over many runs
//   over HTTP:  `bootstrap serve` (serve_http) next to a bare cpp-httplib server answering a
//               fixed JSON body (the floor), one keep-alive client each, same duration
//
// Run: build/bench/api_bench [seconds per HTTP run, default 3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <aws_helper/api.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/service.hpp>

namespace {

using aws_helper::Json;
using Clock = std::chrono::steady_clock;

struct NewParcel {
  std::string carrier_id;
  double weight_kg = 1.0;
  int pieces = 1;
  std::vector<std::string> tags;
  static void describe(aws_helper::Fields<NewParcel>& f) {
    f.required("carrier_id", &NewParcel::carrier_id).min_length(3);
    f.optional("weight_kg", &NewParcel::weight_kg).minimum(0.1).maximum(1000);
    f.optional("pieces", &NewParcel::pieces).minimum(1);
    f.optional("tags", &NewParcel::tags);
  }
};

class ParcelsListAPI : public aws_helper::API {
 public:
  void process() override {
    Json items = Json::array();
    for (int i = 0; i < 10; ++i)
      items.push_back({{"_id", aws_helper::object_id("65f1a2b3c4d5e6f7a8b9c0d1")},
                       {"n", i},
                       {"limit", data().value("limit", "")}});
    set_body({{"data", items}});
    set_header("X-Total-Count", "10");
  }
};

class ParcelsPostAPI : public aws_helper::API {
 public:
  const aws_helper::Schema* schema() const override { return &aws_helper::schema_of<NewParcel>(); }
  void process() override {
    auto parcel = input<NewParcel>();
    set_code(201).set_body({{"carrier", parcel.carrier_id}, {"pieces", parcel.pieces}});
  }
};

template <class T>
std::unique_ptr<aws_helper::API> make() {
  return std::make_unique<T>();
}

const aws_helper::ApiEntry kApis[] = {
    {"parcels", "list", "ParcelsListAPI", "src/api/parcels/list.cpp", &make<ParcelsListAPI>},
    {"parcels", "post", "ParcelsPostAPI", "src/api/parcels/post.cpp", &make<ParcelsPostAPI>},
    {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp",
     &make<ParcelsListAPI>},
};

// An HTTP API event as API Gateway sends it, with the routeKey of the route it matched.
std::string v2_event(const std::string& method, const std::string& path, const std::string& query,
                     const std::string& body, const std::string& route = "") {
  Json event = {{"version", "2.0"},
                {"routeKey", route.empty() ? "$default" : method + " " + route},
                {"rawPath", path},
                {"rawQueryString", query},
                {"headers",
                 {{"content-type", "application/json"},
                  {"user-agent", "bench"},
                  {"origin", "https://app.example.com"}}},
                {"requestContext",
                 {{"http", {{"method", method}, {"sourceIp", "127.0.0.1"}}},
                  {"requestId", "bench"},
                  {"stage", "$default"}}}};
  if (!body.empty()) event["body"] = body;
  return event.dump();
}

void in_process(const char* label, const aws_helper::runtime::Handler& handler,
                const std::string& event) {
  aws_helper::runtime::InvocationRequest request;
  request.payload = event;
  request.context.request_id = "bench";
  for (int i = 0; i < 2000; ++i) (void)handler(request);  // warm up
  constexpr int kRuns = 100000;
  std::vector<double> micros;
  micros.reserve(kRuns);
  std::size_t bytes = 0;
  for (int i = 0; i < kRuns; ++i) {
    auto start = Clock::now();
    std::string reply = handler(request);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    bytes += reply.size();
  }
  std::sort(micros.begin(), micros.end());
  double sum = 0;
  for (double m : micros) sum += m;
  std::printf("%-34s p50 %6.2f us   p99 %6.2f us   mean %6.2f us   (%zu-byte replies)\n", label,
              micros[kRuns / 2], micros[kRuns * 99 / 100], sum / kRuns, bytes / kRuns);
}

double requests_per_second(int port, const std::string& path, double seconds) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  long count = 0;
  auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    auto reply = client.Get(path);
    if (!reply || reply->status != 200) {
      std::fprintf(stderr, "request failed\n");
      return 0;
    }
    ++count;
  }
  return static_cast<double>(count) / seconds;
}

// A loopback port nothing listens on (bound, read, released).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  setenv("AWS_LAMBDA_LOG_LEVEL", "ERROR", 1);  // the 404 run would log each request
  auto handler = aws_helper::api_handler(kApis);

  std::printf("In process (event text in, reply text out), 100000 runs each:\n");
  in_process("GET /parcels?limit=10 (10 docs)", handler,
             v2_event("GET", "/parcels", "limit=10&tag=a&tag=b", "", "/parcels"));
  in_process(
      "POST /parcels with a schema", handler,
      v2_event("POST", "/parcels", "",
               R"({"carrier_id":"acme","weight_kg":"2.5","pieces":3,"tags":["x"]})", "/parcels"));
  in_process("GET /users/7/posts/9 (nested)", handler,
             v2_event("GET", "/users/7/posts/9", "", "", "/users/{userId}/posts/{postId}"));
  in_process("GET /nope (404)", handler, v2_event("GET", "/nope", "", ""));

  static const aws_helper::ServiceDefinition service{"bench", {}, kApis};
  int ours = free_port();
  std::thread([ours] {
    aws_helper::LocalServerOptions options;
    options.port = ours;
    aws_helper::serve_http(service, options);
  }).detach();

  int floor_port = free_port();
  httplib::Server floor;
  floor.set_tcp_nodelay(true);
  std::string fixed = R"({"data":[]})";
  floor.Get(".*", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content(fixed, "application/json");
  });
  std::thread([&] { floor.listen("127.0.0.1", floor_port); }).detach();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  std::printf("\nOver HTTP, one keep-alive client, %.0f s each (alternating):\n", seconds);
  double ours_total = 0;
  double floor_total = 0;
  for (int round = 0; round < 2; ++round) {
    ours_total += requests_per_second(ours, "/parcels?limit=10", seconds / 2);
    floor_total += requests_per_second(floor_port, "/parcels?limit=10", seconds / 2);
  }
  std::printf("bootstrap serve, GET /parcels      %8.0f req/s\n", ours_total / 2);
  std::printf("bare cpp-httplib, fixed body       %8.0f req/s   (ours / floor = %.2f)\n",
              floor_total / 2, ours_total / floor_total);
  floor.stop();
  // The local server's thread is still serving: leave without running static destructors
  // under it (an earlier build crashed here now and then).
  std::fflush(stdout);
  std::_Exit(0);
}
