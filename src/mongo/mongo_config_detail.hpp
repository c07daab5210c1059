// Private parts of the MongoDB configuration, declared so the fuzz target
// (tests/fuzz/mongo_uri.cpp) can reach them without an environment; not installed.
#pragma once

#include <string_view>
#include <vector>

#include <aws_helper/mongo_config.hpp>

namespace aws_helper::mongo::detail {

// external_clusters_from_env() for a given EXTERNAL_MONGODB_CONNECTIONS text and
// MONGO_DB_USER / MONGO_DB_PASSWORD: ConfigurationError for bad JSON, a non-array, or an entry
// without a string name and connection_string.
[[nodiscard]] std::vector<ExternalCluster> external_clusters_from_json(std::string_view text,
                                                                       std::string_view user,
                                                                       std::string_view password);

}  // namespace aws_helper::mongo::detail
