// AWS call costs: SigV4 signing of a typical request (an SNS Publish, an ECS RunTask, a Lambda
// Invoke to an ARN), and publishing 100 messages to SNS (moto) batched and one by one.
// bench/aws.sh runs it with moto and compares with botocore.
#include <cstdlib>

#include <benchmark/benchmark.h>

#include <aws_helper/aws.hpp>
#include <aws_helper/sns.hpp>

namespace {

using aws_helper::Json;
namespace sigv4 = aws_helper::sigv4;

const sigv4::Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                      "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMiJHMEUCIQ"};

void sign(benchmark::State& state, const sigv4::Request& request, const std::string& body,
          const char* service) {
  sigv4::Options options;
  options.region = "us-east-2";
  options.service = service;
  for (auto _ : state) {
    auto hash = sigv4::sha256_hex(body);
    benchmark::DoNotOptimize(sigv4::sign_headers(request, hash, kCredentials, options));
  }
}

void BM_SignSnsPublish(benchmark::State& state) {
  std::string body = aws_helper::aws::form_encode(
      {{"Action", "Publish"},
       {"Version", "2010-03-31"},
       {"TopicArn", "arn:aws:sns:us-east-2:123456789012:title-indexed"},
       {"Message", R"({"constitution_id":"65f1a2b3c4d5e6f7a8b9c0d1","title":"My Constitution"})"},
       {"MessageAttributes.entry.1.Name", "event_type"},
       {"MessageAttributes.entry.1.Value.DataType", "String"},
       {"MessageAttributes.entry.1.Value.StringValue", "title_indexed"}});
  sign(state,
       {"POST",
        "/",
        "",
        {{"Host", "sns.us-east-2.amazonaws.com"},
         {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}},
       body, "sns");
}
BENCHMARK(BM_SignSnsPublish);

void BM_SignLambdaInvokeArn(benchmark::State& state) {
  sign(state,
       {"POST",
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-2%3A123456789012%3Afunction%3Agenerate-"
        "route%3Aprod/invocations",
        "",
        {{"Host", "lambda.us-east-2.amazonaws.com"},
         {"Content-Type", "application/json"},
         {"X-Amz-Invocation-Type", "Event"}}},
       R"({"data":{"shipping_id":"65f1a2b3c4d5e6f7a8b9c0d1"},"session":{"state":"connecticut"}})",
       "lambda");
}
BENCHMARK(BM_SignLambdaInvokeArn);

std::vector<Json> messages() {
  std::vector<Json> out;
  for (int i = 0; i < 100; ++i) {
    out.push_back({{"content", {{"constitution_id", std::to_string(i)}, {"title", "Title"}}},
                   {"attributes", {{"event_type", "title_indexed"}}}});
  }
  return out;
}

// 100 messages in PublishBatch calls of 10, against the SNS endpoint configured (moto).
void BM_Publish100Batched(benchmark::State& state) {
  const char* topic = std::getenv("BENCH_TOPIC_ARN");
  if (topic == nullptr) {
    state.SkipWithError("BENCH_TOPIC_ARN is not set (run bench/aws.sh)");
    return;
  }
  aws_helper::SNSPublisher publisher(topic);
  auto batch = messages();
  for (auto _ : state) {
    auto result = publisher.publish(batch);
    if (!result.all_succeeded()) state.SkipWithError("a message failed");
  }
}
BENCHMARK(BM_Publish100Batched)->Unit(benchmark::kMillisecond);

void BM_Publish100OneByOne(benchmark::State& state) {
  const char* topic = std::getenv("BENCH_TOPIC_ARN");
  if (topic == nullptr) {
    state.SkipWithError("BENCH_TOPIC_ARN is not set (run bench/aws.sh)");
    return;
  }
  aws_helper::SNSPublisher publisher(topic);
  auto batch = messages();
  for (auto _ : state) {
    for (const auto& message : batch) benchmark::DoNotOptimize(publisher.publish(message));
  }
}
BENCHMARK(BM_Publish100OneByOne)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
