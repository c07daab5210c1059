// The lines the metrics layer writes against the Embedded Metric Format specification: every
// kind of line, read back, checked by the C++ rules (emf_checker.hpp) and by the jsonschema
// package against tests/fixtures/emf/emf.schema.json, a validator that shares no code with ours.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <aws_helper/env.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/session.hpp>

#include "unit/metrics/metrics_fixture.hpp"

namespace aws_helper {
namespace {

using testing::emf_problems;
using testing::MetricsTest;
using testing::OrdersHandler;
using testing::ScopedEnv;

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The specification's own example, at the current time.
Json spec_example() {
  Json doc = Json::parse(R"({
    "_aws": {
      "Timestamp": 0,
      "CloudWatchMetrics": [{
        "Namespace": "lambda-function-metrics",
        "Dimensions": [["functionVersion"]],
        "Metrics": [{"Name": "time", "Unit": "Milliseconds"}]
      }]
    },
    "functionVersion": "$LATEST",
    "time": 100,
    "requestId": "989ffbf8-9ace-4817-a57c-e4dd734019ee"
  })");
  doc["_aws"]["Timestamp"] = now_ms();
  return doc;
}

// jsonschema's verdict on `lines` (one JSON document each): exit status and report.
struct Verdict {
  int status = -1;
  std::string report;
};

std::string venv_python() {
  std::string dir =
      get_env_or("AWS_HELPER_PEERS_DIR", std::string(AWS_HELPER_SOURCE_DIR) + "/.peers");
  return dir + "/venv/bin/python";
}

Verdict validate_with_jsonschema(const std::vector<std::string>& lines) {
  auto file = std::filesystem::temp_directory_path() /
              ("aws-helper-emf-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(file);
    for (const auto& line : lines) out << line << "\n";
  }
  std::string fixtures = std::string(AWS_HELPER_SOURCE_DIR) + "/tests/fixtures/emf/";
  std::string command = venv_python() + " " + fixtures + "validate.py " + fixtures +
                        "emf.schema.json " + file.string() + " 2>&1";
  Verdict verdict;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return verdict;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) verdict.report += buffer;
  int status = ::pclose(pipe);
  verdict.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(file);
  return verdict;
}

TEST(EmfCheckerTest, AcceptsTheSpecificationsExampleAndRejectsWhatBreaksIt) {
  EXPECT_TRUE(emf_problems(spec_example()).empty());
  // What each breaks, and whether a JSON Schema can see it: one cannot say that a name a
  // directive references is a member, nor what time it is.
  struct Breakage {
    std::string what;
    bool schema_sees_it;
    std::function<void(Json&)> apply;
  };
  std::vector<Breakage> breakages = {
      {"timestamp in seconds", false, [](Json& d) { d["_aws"]["Timestamp"] = now_ms() / 1000; }},
      {"dimension not a member", false, [](Json& d) { d.erase("functionVersion"); }},
      {"dimension not a string", false, [](Json& d) { d["functionVersion"] = 1; }},
      {"metric not a member", false, [](Json& d) { d.erase("time"); }},
      {"metric not a number", false, [](Json& d) { d["time"] = "100"; }},
      {"101 values", false, [](Json& d) { d["time"] = Json(std::vector<int>(101, 1)); }},
      {"no namespace", true, [](Json& d) { d["_aws"]["CloudWatchMetrics"][0].erase("Namespace"); }},
      {"unknown unit", true,
       [](Json& d) { d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Kg"; }},
      {"member the specification lacks", true,
       [](Json& d) { d["_aws"]["CloudWatchMetrics"][0]["Extra"] = 1; }},
      {"31 dimensions", true,
       [](Json& d) {
         Json set = Json::array();
         for (int i = 0; i < 31; ++i) {
           set.push_back("d" + std::to_string(i));
           d["d" + std::to_string(i)] = "v";
         }
         d["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = Json::array();
         d["_aws"]["CloudWatchMetrics"][0]["Dimensions"].push_back(set);
       }},
      {"101 metrics", true,
       [](Json& d) {
         // No reference into d across the loop: adding members may copy what it holds.
         for (int i = 0; i < 100; ++i) {
           d["_aws"]["CloudWatchMetrics"][0]["Metrics"].push_back(
               {{"Name", "m" + std::to_string(i)}});
           d["m" + std::to_string(i)] = i;
         }
       }},
  };
  std::vector<std::string> broken;
  for (const auto& breakage : breakages) {
    Json doc = spec_example();
    breakage.apply(doc);
    EXPECT_FALSE(emf_problems(doc).empty()) << breakage.what;
    broken.push_back(dump_json(doc));
  }
  // The reference validator can fail too: it refuses every breakage a schema can see.
  if (::access(venv_python().c_str(), X_OK) != 0) GTEST_SKIP() << "no " << venv_python();
  EXPECT_EQ(validate_with_jsonschema({dump_json(spec_example())}).status, 0);
  for (std::size_t i = 0; i < broken.size(); ++i) {
    Verdict verdict = validate_with_jsonschema({broken[i]});
    EXPECT_EQ(verdict.status, breakages[i].schema_sees_it ? 1 : 0) << breakages[i].what << "\n"
                                                                   << verdict.report;
  }
}

// One invocation that makes every kind of line the layer writes.
TEST_F(MetricsTest, EveryKindOfLineFollowsTheSpecificationAndItsJsonSchema) {
  ScopedEnv env{{"AWS_LAMBDA_FUNCTION_NAME", "orders-fn"},
                {"AWS_HELPER_METRICS_NAMESPACE", "Acme/Orders Service"}};
  metrics::reload_config();
  auto lines = invoke(
      [] {
        OrdersHandler handler;
        const auto& m = handler.metrics();
        for (int u = 0; u <= static_cast<int>(MetricUnit::none); ++u)
          m.add("Unit" + std::to_string(u), u, static_cast<MetricUnit>(u));
        m.add("HighRes", 1, MetricUnit::count, MetricResolution::high);
        m.add(
            "Gr\xc3\xb6\xc3\x9f"
            "e \"quoted\" \\ / \xe2\x82\xac",
            1.5e-7);
        m.add("Huge", std::ldexp(1.0, 360));  // the largest CloudWatch takes
        m.add("Negative", -0.0);
        for (int i = 0; i < 150; ++i) m.add("Values", i * 0.5);
        for (int i = 0; i < 150; ++i) m.count("C" + std::to_string(i));
        for (std::size_t i = 0; i < metrics::kMaxCustomDimensions - 1; ++i)
          m.add_dimension("Dim" + std::to_string(i), "v" + std::to_string(i));
        m.add_dimension("Quote\"d\\", "back\\slash \"value\"");
        m.add_metadata("object", Json{{"nested", {1, 2, 3}}, {"null", nullptr}});
        m.add_metadata("flag", true);
        m.add_metadata("note", "line\nbreak\ttab");
        for (const char* state : {"ohio", "utah"}) {
          SessionScope scope{Session{state, std::nullopt}};
          m.gauge("Depth", 3);
        }
      },
      "req-\"quoted\"", "Root=1-5759e988-bd862e3fe1be46a994272793");
  ASSERT_TRUE(outcome_.ok) << outcome_.error_message;
  // ColdStart; 2 lines for the 182 metrics without state (150 values of one); one per state.
  ASSERT_EQ(lines.size(), 1u + 2u + 2u);
  EXPECT_EQ(lines[0]["ColdStart"], 1);
  EXPECT_EQ(lines[0]["requestId"], "req-\"quoted\"");
  EXPECT_EQ(lines[1]["Gr\xc3\xb6\xc3\x9f"
                     "e \"quoted\" \\ / \xe2\x82\xac"],
            1.5e-7);
  EXPECT_EQ(lines[1]["Huge"], std::ldexp(1.0, 360));
  EXPECT_EQ(lines[1]["Quote\"d\\"], "back\\slash \"value\"");
  EXPECT_EQ(lines[1]["note"], "line\nbreak\ttab");
  EXPECT_EQ(lines[1]["object"]["nested"], Json::parse("[1,2,3]"));
  for (const auto& line : lines) {
    EXPECT_EQ(line["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Acme/Orders Service");
    EXPECT_EQ(line["traceId"], "Root=1-5759e988-bd862e3fe1be46a994272793");
  }
  EXPECT_EQ(lines[3]["state"], "ohio");
  EXPECT_EQ(lines[4]["state"], "utah");
  EXPECT_EQ(directive(lines[4])["Dimensions"][0].size(), metrics::kMaxDimensions);

  std::vector<std::string> raw;
  for (const auto& line : raw_lines()) {
    if (line.rfind(R"({"_aws")", 0) == 0) raw.push_back(line);
  }
  if (::access(venv_python().c_str(), X_OK) != 0)
    GTEST_SKIP() << "no " << venv_python() << " (./scripts/setup makes it) for the schema check";
  Verdict verdict = validate_with_jsonschema(raw);
  EXPECT_EQ(verdict.status, 0) << verdict.report;
  EXPECT_NE(verdict.report.find(std::to_string(raw.size()) + " lines checked, 0 violations"),
            std::string::npos)
      << verdict.report;
}

}  // namespace
}  // namespace aws_helper
