// MongoDB connection configuration, read from the Python framework's environment variables.
//
//   MONGO_DB_URI or MONGODB_URI            a full connection string (MONGO_DB_URI wins)
//   MONGO_DB_HOST [+ MONGO_DB_USER, MONGO_DB_PASSWORD, MONGO_DB_NAME, MONGO_DB_OPTIONS]
//                                          the string built from parts; user and password are
//                                          percent-encoded (RFC 3986), so @ : / % + and spaces
//                                          in a password work
//   EXTERNAL_MONGODB_CONNECTIONS           [{"name": ..., "connection_string": ...}, ...];
//                                          MONGO_DB_USER/MONGO_DB_PASSWORD, when both are set,
//                                          replace the credentials of every external string
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aws_helper::mongo {

// RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ becomes %XX.
[[nodiscard]] std::string percent_encode(std::string_view text);

// The seed's build_connection_string, with RFC 3986 encoding of user and password. `host` may
// carry the scheme ("mongodb+srv://cluster.example.net"); the default scheme is mongodb://.
[[nodiscard]] std::string build_connection_string(std::string_view host, std::string_view user,
                                                  std::string_view password,
                                                  std::string_view database,
                                                  std::string_view options);

// `uri` with the credentials replaced by user:password (encoded).
[[nodiscard]] std::string inject_credentials(std::string_view uri, std::string_view user,
                                             std::string_view password);

// Adds the settings that suit Lambda unless the URI sets them: serverSelectionTimeoutMS=5000
// (a dead cluster fails an invocation in seconds, not the driver's 30), connectTimeoutMS=5000,
// maxIdleTimeMS=60000 (idle sockets closed after a minute, before a frozen sandbox's
// connections go stale). With TLS on (tls=true, ssl=true, or mongodb+srv:// without tls=false)
// and `ca_file` given, also tlsCAFile=<ca_file> unless the URI names its own trust (tlsCAFile,
// tlsInsecure, tlsAllowInvalidCertificates): OpenSSL's built-in default is Debian's
// /usr/lib/ssl, which Amazon Linux does not have, so TLS to Atlas would fail there.
[[nodiscard]] std::string with_lambda_defaults(std::string_view uri, std::string_view ca_file = {});

// The main cluster's connection string from the environment; ConfigurationError naming the
// three ways to configure when none is set.
[[nodiscard]] std::string connection_string_from_env();

struct ExternalCluster {
  std::string name;
  std::string connection_string;
};

// EXTERNAL_MONGODB_CONNECTIONS; empty when unset or empty. Bad JSON, a non-array, or an entry
// without a string name and connection_string is a ConfigurationError.
[[nodiscard]] std::vector<ExternalCluster> external_clusters_from_env();

}  // namespace aws_helper::mongo
