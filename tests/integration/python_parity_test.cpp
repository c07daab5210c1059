// What our repositories write against what aws-python-helper 1.15.3 writes, both into FerretDB:
// tests/support/audit_scenario.json runs once through the real Python framework
// (tests/support/python_reference.py, installed from PyPI by scripts/setup) and once through
// ours, and every document must come out the same field for field, in the same order, with the
// same types. Only the _id values and the instants differ; the instants are compared by kind.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <unistd.h>

#include <aws_helper/audit.hpp>
#include <aws_helper/document.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/repository.hpp>
#include <aws_helper/session.hpp>

#include "support/peers.hpp"
#include "support/scoped_env.hpp"

namespace aws_helper {
namespace {

using testing::ScopedEnv;

const char* const kActorVariables[] = {"SERVICE_CODE", "NAMESPACE", "PROCESS_NAME",
                                       "AWS_LAMBDA_FUNCTION_NAME", "TASK_NAME"};

std::string ferretdb_uri() {
  return testing::peer_env("AWS_HELPER_FERRETDB_URI");
}

Json read_json_file(const std::string& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

// A repository configured by the scenario's "repositories" entry.
class ScenarioRepository : public Repository {
 public:
  ScenarioRepository(std::string database, std::string collection, const Json& options)
      : database_(std::move(database)), collection_(std::move(collection)), options_(options) {}
  [[nodiscard]] std::string collection_name() const override { return collection_; }
  [[nodiscard]] std::optional<std::string> database_key() const override { return database_; }
  [[nodiscard]] bool audit() const override { return options_.value("audit", true); }
  [[nodiscard]] std::vector<std::string> statuses() const override {
    if (!options_.contains("statuses")) return Repository::statuses();
    if (options_["statuses"].is_null()) return {};
    return options_["statuses"].get<std::vector<std::string>>();
  }
  [[nodiscard]] std::optional<std::string> default_status() const override {
    if (!options_.contains("default_status")) return std::nullopt;
    return options_["default_status"].get<std::string>();
  }
  [[nodiscard]] std::string status_field() const override {
    return options_.value("status_field", std::string(audit::kStatus));
  }

 private:
  std::string database_;
  std::string collection_;
  Json options_;
};

void run_step(const Collection& collection, const Json& step) {
  const std::string op = step["op"];
  const bool upsert = step.value("upsert", false);
  if (op == "insert_one") {
    (void)collection.insert_one(step["document"]);
  } else if (op == "insert_many") {
    (void)collection.insert_many(step["documents"].get<std::vector<Json>>());
  } else if (op == "update_one") {
    (void)collection.update_one(step["filter"], step["update"], upsert);
  } else if (op == "update_many") {
    (void)collection.update_many(step["filter"], step["update"], upsert);
  } else if (op == "replace_one") {
    (void)collection.replace_one(step["filter"], step["replacement"], upsert);
  } else if (op == "find_one_and_update") {
    (void)collection.find_one_and_update(step["filter"], step["update"], {.upsert = upsert});
  } else if (op == "find_one_and_replace") {
    (void)collection.find_one_and_replace(step["filter"], step["replacement"], {.upsert = upsert});
  } else {
    FAIL() << "unknown op " << op;
  }
}

// The document with its _id and every instant replaced by a marker of its kind, so two runs
// compare by shape, order and value.
Json comparable(Json document) {
  if (document.is_object()) {
    if (document.size() == 1 && document.contains("$date")) return "<date>";
    for (auto& [key, value] : document.items()) {
      value = key == "_id" ? Json(is_object_id(value) ? "<objectid>" : "<other id>")
                           : comparable(std::move(value));
    }
  } else if (document.is_array()) {
    for (auto& value : document) value = comparable(std::move(value));
  }
  return document;
}

class PythonParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MongoManager::initialize(ferretdb_uri());
    database_ = "parity_" + std::to_string(::getpid());
    scenario_ =
        read_json_file(std::string(AWS_HELPER_SOURCE_DIR) + "/tests/support/audit_scenario.json");
  }
  void TearDown() override {
    try {
      (void)MongoManager::get_database(database_).run_command({{"dropDatabase", 1}});
    } catch (const std::exception&) {
    }
  }

  // One line of output per step, from the Python framework.
  std::vector<Json> run_python(const std::string& prefix) {
    std::string source = AWS_HELPER_SOURCE_DIR;
    std::string command = source + "/.peers/venv/bin/python " + source +
                          "/tests/support/python_reference.py audit '" + ferretdb_uri() + "' " +
                          database_ + " " + prefix + " " + source +
                          "/tests/support/audit_scenario.json";
    std::vector<Json> lines;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return lines;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) lines.push_back(Json::parse(buffer));
    int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << command;
    return lines;
  }

  // The same steps through our repositories; the error type of each step that failed.
  std::vector<Json> run_cpp(const std::string& prefix) {
    std::map<std::string, ScenarioRepository> repositories;
    for (const auto& [name, options] : scenario_["repositories"].items())
      repositories.try_emplace(name, database_, prefix + "_" + name, options);
    std::vector<Json> lines;
    const Json& steps = scenario_["steps"];
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Json& step = steps[i];
      std::vector<std::pair<std::string, std::optional<std::string>>> env;
      if (auto it = step.find("env"); it != step.end()) {
        for (const auto& [key, value] : it->items())
          env.emplace_back(key, value.get<std::string>());
      }
      ScopedEnv scoped(env);
      std::optional<Json> user;
      if (step.contains("user")) user = scenario_["users"][step["user"].get<std::string>()];
      Session session;
      session.set_user(user);
      SessionScope scope(std::move(session));
      try {
        run_step(repositories.at(step.value("repository", "default")).collection(), step);
        lines.push_back({{"step", i}, {"ok", true}});
      } catch (const Error& error) {
        lines.push_back({{"step", i}, {"error", error.error_type()}});
      }
    }
    return lines;
  }

  [[nodiscard]] std::map<std::string, Json> documents(const std::string& collection) const {
    std::map<std::string, Json> by_case;
    for (auto& document : MongoManager::get_database(database_)[collection].find().to_list()) {
      if (!document.contains("case") || !document["case"].is_string()) {
        ADD_FAILURE() << collection << " holds a document the scenario did not write: " << document;
        continue;
      }
      std::string which = document["case"];  // before the move: `=` evaluates its right side first
      by_case[which] = std::move(document);
    }
    return by_case;
  }

  std::string database_;
  Json scenario_;
};

TEST_F(PythonParityTest, RepositoryWritesAreFieldForFieldWhatPython115Writes) {
  ScopedEnv clean{{kActorVariables[0], std::nullopt},
                  {kActorVariables[1], std::nullopt},
                  {kActorVariables[2], std::nullopt},
                  {kActorVariables[3], std::nullopt},
                  {kActorVariables[4], std::nullopt}};
  std::vector<Json> python = run_python("py");
  std::vector<Json> cpp = run_cpp("cpp");
  ASSERT_EQ(python.size(), scenario_["steps"].size()) << "the Python reference did not run";

  // Each step succeeded or failed the same way (the failures are the scenario's "error").
  const Json& steps = scenario_["steps"];
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Json expected = steps[i].contains("error") ? Json{{"step", i}, {"error", steps[i]["error"]}}
                                               : Json{{"step", i}, {"ok", true}};
    EXPECT_EQ(python[i], expected) << "Python, step " << i << ": " << steps[i];
    EXPECT_EQ(cpp[i], expected) << "C++, step " << i << ": " << steps[i];
  }

  std::size_t compared = 0;
  for (const auto& [name, options] : scenario_["repositories"].items()) {
    auto from_python = documents("py_" + name);
    auto from_cpp = documents("cpp_" + name);
    EXPECT_FALSE(from_python.empty()) << name;
    EXPECT_EQ(from_python.size(), from_cpp.size()) << name;
    for (const auto& [which, document] : from_python) {
      auto it = from_cpp.find(which);
      if (it == from_cpp.end()) {
        ADD_FAILURE() << "C++ wrote no '" << which << "' in " << name;
        continue;
      }
      EXPECT_EQ(comparable(it->second).dump(), comparable(document).dump())
          << name << " / " << which << "\n  C++:    " << it->second << "\n  Python: " << document;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 18U);  // every document the scenario leaves behind

  // The instants: one per new record (created_at == updated_at), a later one after an update.
  auto written = documents("cpp_default");
  EXPECT_EQ(written["insert"]["created_at"], written["insert"]["updated_at"]);
  EXPECT_LE(to_time_point(written["updated"]["created_at"]),
            to_time_point(written["updated"]["updated_at"]));
  EXPECT_EQ(written["updated"]["created_by"]["name"], "Ada");
  EXPECT_EQ(written["updated"]["updated_by"],
            Json::parse(R"({"type": "user", "id": "42", "name": "bo@example.com"})"));
}

}  // namespace
}  // namespace aws_helper
