// MongoDB connection strings as the configuration builds them: the Lambda defaults added to a
// URI, credentials injected into one, a string built from host/user/password/database/options,
// and EXTERNAL_MONGODB_CONNECTIONS. The driver's own URI parser (what the pool is made from)
// reads the results back: user and password must come back exactly as given.
//
// The input is five fields separated by NUL bytes: uri-or-host, user, password, database,
// options; the whole input is also the EXTERNAL_MONGODB_CONNECTIONS text.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <mongoc/mongoc.h>

#include <aws_helper/error.hpp>
#include <aws_helper/mongo_config.hpp>

#include "fuzz_support.hpp"
#include "mongo/mongo_config_detail.hpp"

namespace aws_helper {
namespace {

std::vector<std::string_view> fields_of(std::string_view text, std::size_t count) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < count) {
    auto nul = text.find('\0');
    if (nul == std::string_view::npos) break;
    fields.push_back(text.substr(0, nul));
    text.remove_prefix(nul + 1);
  }
  fields.push_back(text);
  fields.resize(count);
  return fields;
}

// The driver's reading of a connection string; null when it refuses it.
struct Parsed {
  mongoc_uri_t* uri = nullptr;
  explicit Parsed(const std::string& text) {
    bson_error_t error;
    uri = mongoc_uri_new_with_error(text.c_str(), &error);
  }
  ~Parsed() { mongoc_uri_destroy(uri); }
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;
};

bool same(const char* read, std::string_view given) {
  return read != nullptr && std::string_view(read) == given;
}

// Hosts the driver accepts without a DNS lookup at parse time and that cannot swallow
// credentials: a plain name and port.
bool plain_host(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// Text libmongoc keeps as it is: valid, NUL-free UTF-8 (it refuses the rest, or cuts at NUL).
bool driver_text(std::string_view text) {
  return !text.empty() && text.find('\0') == std::string_view::npos &&
         bson_utf8_validate(text.data(), text.size(), false);
}

}  // namespace
}  // namespace aws_helper

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  static const bool driver = [] {
    mongoc_init();
    mongoc_log_set_handler(nullptr, nullptr);  // the driver's warnings about odd options
    return true;
  }();
  static_cast<void>(driver);
  auto text = fuzz::text_of(data, size);
  auto fields = fields_of(text, 5);
  const auto uri = fields[0];
  const auto user = fields[1];
  const auto password = fields[2];
  const auto database = fields[3];
  const auto options = fields[4];

  auto with_defaults = mongo::with_lambda_defaults(uri);
  FUZZ_CHECK(with_defaults.starts_with(uri));
  FUZZ_CHECK(mongo::with_lambda_defaults(with_defaults) == with_defaults);  // nothing twice
  static_cast<void>(mongo::with_lambda_defaults(uri, "/etc/ssl/certs/ca-certificates.crt"));

  auto injected = mongo::inject_credentials(uri, user, password);
  auto built = mongo::build_connection_string(uri, user, password, database, options);
  FUZZ_CHECK(mongo::percent_encode(user).find_first_of(":@/?#[] +") == std::string::npos);

  // What the driver reads back from a string built from a plain host: the exact credentials.
  if (plain_host(uri) && driver_text(user) && driver_text(password)) {
    Parsed parsed(mongo::build_connection_string(uri, user, password, "", ""));
    if (parsed.uri != nullptr) {
      FUZZ_CHECK(same(mongoc_uri_get_username(parsed.uri), user));
      FUZZ_CHECK(same(mongoc_uri_get_password(parsed.uri), password));
    }
    Parsed replaced(mongo::inject_credentials("mongodb://old:secret@" + std::string(uri) + "/db",
                                              user, password));
    if (replaced.uri != nullptr) {
      FUZZ_CHECK(same(mongoc_uri_get_username(replaced.uri), user));
      FUZZ_CHECK(same(mongoc_uri_get_password(replaced.uri), password));
    }
  }
  // Whatever the driver makes of the strings, it must not crash on them.
  for (const auto* candidate : {&with_defaults, &injected, &built}) {
    if (candidate->find('\0') == std::string::npos) Parsed read(*candidate);
  }

  try {
    auto clusters = mongo::detail::external_clusters_from_json(text, user, password);
    for (const auto& cluster : clusters) FUZZ_CHECK(!cluster.name.empty());
  } catch (const ConfigurationError&) {
  }
  return 0;
}
