#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

#include <aws_helper/env.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/mongo_config.hpp>

#include "core/text.hpp"
#include "mongo/mongo_config_detail.hpp"

namespace aws_helper::mongo {

namespace {

using aws_helper::detail::lower;

// Splits "scheme://rest" into ("scheme://", "rest"); no scheme gives ("mongodb://", uri).
std::pair<std::string, std::string> split_scheme(std::string_view uri) {
  auto pos = uri.find("://");
  if (pos == std::string_view::npos) return {"mongodb://", std::string(uri)};
  return {std::string(uri.substr(0, pos + 3)), std::string(uri.substr(pos + 3))};
}

// Options by which a connection string already says whom to trust; the system's CA bundle is
// not added then.
constexpr const char* kOwnTrust[] = {"tlsCAFile", "sslCertificateAuthorityFile", "tlsInsecure",
                                     "tlsAllowInvalidCertificates", "sslAllowInvalidCertificates"};

}  // namespace

std::string percent_encode(std::string_view text) {
  return aws_helper::detail::uri_encode(text);
}

std::string build_connection_string(std::string_view host, std::string_view user,
                                    std::string_view password, std::string_view database,
                                    std::string_view options) {
  auto [scheme, rest] = split_scheme(host);
  std::string uri = scheme;
  if (!user.empty() && !password.empty()) {
    uri += percent_encode(user);
    uri += ':';
    uri += percent_encode(password);
    uri += '@';
  } else if (!user.empty()) {
    uri += percent_encode(user) + "@";
  }
  uri += rest;
  if (!database.empty()) uri += "/" + std::string(database);
  if (!options.empty()) {
    if (database.empty()) uri += "/";
    uri += "?" + std::string(options);
  }
  return uri;
}

std::string inject_credentials(std::string_view uri, std::string_view user,
                               std::string_view password) {
  auto [scheme, rest] = split_scheme(uri);
  // Credentials end at the last '@' before the path.
  auto path = rest.find('/');
  auto at = rest.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at != std::string::npos && (path == std::string::npos || at < path)) rest.erase(0, at + 1);
  return scheme + percent_encode(user) + ":" + percent_encode(password) + "@" + rest;
}

std::string with_lambda_defaults(std::string_view uri, std::string_view ca_file) {
  std::string out(uri);
  auto query = out.find('?');
  std::string present = query == std::string::npos ? "" : lower(out.substr(query + 1));
  auto value_of = [&](const std::string& key) -> std::optional<std::string> {
    std::string k = lower(key) + "=";
    auto at = present.rfind(k, 0) == 0 ? 0 : present.find("&" + k);
    if (at == std::string::npos) return std::nullopt;
    at = present.find('=', at) + 1;
    return present.substr(at, present.find('&', at) - at);
  };
  auto has = [&](const std::string& key) { return value_of(key).has_value(); };
  std::vector<std::pair<std::string, std::string>> defaults = {{"serverSelectionTimeoutMS", "5000"},
                                                               {"connectTimeoutMS", "5000"},
                                                               {"maxIdleTimeMS", "60000"}};
  // TLS is on with tls=true / ssl=true, and by default for mongodb+srv:// (Atlas).
  auto tls = value_of("tls").value_or(value_of("ssl").value_or(""));
  bool tls_on =
      tls == "true" || (tls.empty() && lower(split_scheme(out).first) == "mongodb+srv://");
  if (!ca_file.empty() && tls_on &&
      !std::any_of(std::begin(kOwnTrust), std::end(kOwnTrust),
                   [&](const char* k) { return has(k); })) {
    defaults.emplace_back("tlsCAFile", percent_encode(ca_file));
  }
  std::string added;
  for (const auto& [key, value] : defaults) {
    if (has(key)) continue;
    if (!added.empty()) added += '&';
    added += key;
    added += '=';
    added += value;
  }
  if (added.empty()) return out;
  if (query == std::string::npos) {
    // "mongodb://host" needs the '/' before '?'.
    auto [scheme, rest] = split_scheme(out);
    if (rest.find('/') == std::string::npos) out += "/";
    return out + "?" + added;
  }
  if (query + 1 == out.size() || out.back() == '&') return out + added;
  return out + "&" + added;
}

std::string connection_string_from_env() {
  for (const char* name : {"MONGO_DB_URI", "MONGODB_URI"}) {
    if (auto uri = get_env(name); uri && !uri->empty()) return *uri;
  }
  auto host = get_env_or("MONGO_DB_HOST", "");
  if (host.empty()) {
    throw ConfigurationError(
        "MongoDB is not configured: set MONGODB_URI or MONGO_DB_URI to a connection string, or "
        "MONGO_DB_HOST (with MONGO_DB_USER, MONGO_DB_PASSWORD, MONGO_DB_NAME, MONGO_DB_OPTIONS "
        "as needed)");
  }
  return build_connection_string(
      host, get_env_or("MONGO_DB_USER", ""), get_env_or("MONGO_DB_PASSWORD", ""),
      get_env_or("MONGO_DB_NAME", ""), get_env_or("MONGO_DB_OPTIONS", ""));
}

namespace detail {

std::vector<ExternalCluster> external_clusters_from_json(std::string_view text,
                                                         std::string_view user,
                                                         std::string_view password) {
  std::vector<ExternalCluster> clusters;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return clusters;
  // parse_json: the depth limit, a number out of range (1e400) refused like any other bad JSON,
  // and a message that never quotes the text, whose connection strings carry passwords.
  Json parsed;
  try {
    parsed = parse_json(text, "EXTERNAL_MONGODB_CONNECTIONS");
  } catch (const ValueError& error) {
    throw ConfigurationError(error.what());
  }
  if (!parsed.is_array()) {
    throw ConfigurationError(
        "EXTERNAL_MONGODB_CONNECTIONS must be a JSON array of {\"name\", \"connection_string\"}");
  }
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const Json& entry = parsed[i];
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
        !entry.contains("connection_string") || !entry["connection_string"].is_string() ||
        entry["name"].get_ref<const std::string&>().empty()) {
      throw ConfigurationError("EXTERNAL_MONGODB_CONNECTIONS entry " + std::to_string(i) +
                               " needs a string \"name\" and \"connection_string\"");
    }
    std::string uri = entry["connection_string"];
    if (!user.empty() && !password.empty()) uri = inject_credentials(uri, user, password);
    clusters.push_back({entry["name"], uri});
  }
  return clusters;
}

}  // namespace detail

std::vector<ExternalCluster> external_clusters_from_env() {
  return detail::external_clusters_from_json(get_env_or("EXTERNAL_MONGODB_CONNECTIONS", ""),
                                             get_env_or("MONGO_DB_USER", ""),
                                             get_env_or("MONGO_DB_PASSWORD", ""));
}

}  // namespace aws_helper::mongo
