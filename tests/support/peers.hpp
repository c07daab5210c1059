// The local peers as the integration tests see them: ./scripts/test starts FerretDB and moto
// once per run and exports where they are.
#pragma once

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include <aws_helper/mongo.hpp>

namespace aws_helper::testing {

// The variable's value; a test failure (and an address where nothing listens) when it is not
// set, which means the test was not started by ./scripts/test.
inline std::string peer_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << name << " is not set: run through ./scripts/test";
    return "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100";
  }
  return value;
}

// The run's FerretDB (AWS_HELPER_FERRETDB_URI), one client pool per test process.
inline Cluster& ferretdb() {
  static Cluster cluster(peer_env("AWS_HELPER_FERRETDB_URI"));
  return cluster;
}

}  // namespace aws_helper::testing
