#include <cstdlib>

#include <gtest/gtest.h>
#include <mongoc/mongoc.h>

#include <aws_helper/error.hpp>
#include <aws_helper/mongo_config.hpp>

namespace aws_helper::mongo {
namespace {

class MongoConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    for (const char* name :
         {"MONGO_DB_URI", "MONGODB_URI", "MONGO_DB_HOST", "MONGO_DB_USER", "MONGO_DB_PASSWORD",
          "MONGO_DB_NAME", "MONGO_DB_OPTIONS", "EXTERNAL_MONGODB_CONNECTIONS"}) {
      unsetenv(name);
    }
  }
};

TEST_F(MongoConfigTest, PercentEncodesPerRfc3986) {
  EXPECT_EQ(percent_encode("p@ss:w/o%rd+ x~._-"), "p%40ss%3Aw%2Fo%25rd%2B%20x~._-");
  EXPECT_EQ(percent_encode("ñ"), "%C3%B1");
}

TEST_F(MongoConfigTest, BuildsFromComponentsLikeTheSeed) {
  EXPECT_EQ(
      build_connection_string("db.example.com:27017", "app", "p@ss w", "core", "authSource=admin"),
      "mongodb://app:p%40ss%20w@db.example.com:27017/core?authSource=admin");
  EXPECT_EQ(build_connection_string("mongodb+srv://cluster.example.net", "app", "pw", "", ""),
            "mongodb+srv://app:pw@cluster.example.net");
  EXPECT_EQ(build_connection_string("h", "only-user", "", "", ""), "mongodb://only-user@h");
  EXPECT_EQ(build_connection_string("h", "", "orphan-password", "", ""), "mongodb://h");
  EXPECT_EQ(build_connection_string("h", "", "", "", "tls=true"), "mongodb://h/?tls=true");
}

TEST_F(MongoConfigTest, TheDriverReadsBackTheExactCredentials) {
  const std::string password = "a:b@c/d%e+f g?#[]";
  std::string uri = with_lambda_defaults(
      build_connection_string("localhost:27017", "us@er", password, "core", "authSource=admin"));
  bson_error_t error;
  mongoc_uri_t* parsed = mongoc_uri_new_with_error(uri.c_str(), &error);
  ASSERT_NE(parsed, nullptr) << uri << ": " << error.message;
  EXPECT_STREQ(mongoc_uri_get_username(parsed), "us@er");
  EXPECT_STREQ(mongoc_uri_get_password(parsed), password.c_str());
  EXPECT_STREQ(mongoc_uri_get_database(parsed), "core");
  EXPECT_EQ(mongoc_uri_get_option_as_int32(parsed, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 0), 5000);
  EXPECT_EQ(mongoc_uri_get_option_as_int32(parsed, MONGOC_URI_MAXIDLETIMEMS, 0), 60000);
  mongoc_uri_destroy(parsed);
}

TEST_F(MongoConfigTest, UriVariablesWinOverComponents) {
  setenv("MONGO_DB_HOST", "ignored", 1);
  setenv("MONGODB_URI", "mongodb://from-mongodb-uri/", 1);
  EXPECT_EQ(connection_string_from_env(), "mongodb://from-mongodb-uri/");
  setenv("MONGO_DB_URI", "mongodb://from-mongo-db-uri/", 1);
  EXPECT_EQ(connection_string_from_env(), "mongodb://from-mongo-db-uri/");
}

TEST_F(MongoConfigTest, ComponentsFromEnvironment) {
  setenv("MONGO_DB_HOST", "localhost:27017", 1);
  setenv("MONGO_DB_USER", "svc", 1);
  setenv("MONGO_DB_PASSWORD", "a:b@c/d%e+f g", 1);
  setenv("MONGO_DB_NAME", "core", 1);
  EXPECT_EQ(connection_string_from_env(),
            "mongodb://svc:a%3Ab%40c%2Fd%25e%2Bf%20g@localhost:27017/core");
}

TEST_F(MongoConfigTest, MissingConfigurationNamesTheThreeWays) {
  try {
    (void)connection_string_from_env();
    FAIL();
  } catch (const ConfigurationError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("MONGODB_URI"), std::string::npos);
    EXPECT_NE(message.find("MONGO_DB_URI"), std::string::npos);
    EXPECT_NE(message.find("MONGO_DB_HOST"), std::string::npos);
  }
}

TEST_F(MongoConfigTest, LambdaDefaultsAreAddedUnlessSet) {
  EXPECT_EQ(with_lambda_defaults("mongodb://h"),
            "mongodb://h/?serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&maxIdleTimeMS=60000");
  EXPECT_EQ(with_lambda_defaults("mongodb://h/db?ServerSelectionTimeoutMS=100&maxIdleTimeMS=1"),
            "mongodb://h/db?ServerSelectionTimeoutMS=100&maxIdleTimeMS=1&connectTimeoutMS=5000");
  EXPECT_EQ(with_lambda_defaults(
                "mongodb://h/?serverSelectionTimeoutMS=1&connectTimeoutMS=2&maxIdleTimeMS=3"),
            "mongodb://h/?serverSelectionTimeoutMS=1&connectTimeoutMS=2&maxIdleTimeMS=3");
}

TEST_F(MongoConfigTest, CaBundleIsNamedForTlsConnectionsThatNameNoTrustOfTheirOwn) {
  const std::string defaults =
      "serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&maxIdleTimeMS=60000";
  const std::string ca = "/etc/pki/tls/certs/ca-bundle.crt";
  const std::string encoded = "tlsCAFile=%2Fetc%2Fpki%2Ftls%2Fcerts%2Fca-bundle.crt";
  // Atlas: mongodb+srv:// means TLS unless tls=false.
  EXPECT_EQ(with_lambda_defaults("mongodb+srv://c.example.net", ca),
            "mongodb+srv://c.example.net/?" + defaults + "&" + encoded);
  EXPECT_EQ(with_lambda_defaults("mongodb://h/?tls=true", ca),
            "mongodb://h/?tls=true&" + defaults + "&" + encoded);
  EXPECT_EQ(with_lambda_defaults("mongodb://h/?SSL=TRUE", ca),
            "mongodb://h/?SSL=TRUE&" + defaults + "&" + encoded);
  // No TLS, TLS switched off, or a trust setting of the URI's own: nothing added.
  EXPECT_EQ(with_lambda_defaults("mongodb://h", ca), "mongodb://h/?" + defaults);
  EXPECT_EQ(with_lambda_defaults("mongodb+srv://c.example.net/?tls=false", ca),
            "mongodb+srv://c.example.net/?tls=false&" + defaults);
  for (const char* own :
       {"tlsCAFile=%2Fmine.pem", "tlsInsecure=true", "tlsAllowInvalidCertificates=true"}) {
    EXPECT_EQ(with_lambda_defaults(std::string("mongodb://h/?tls=true&") + own, ca),
              std::string("mongodb://h/?tls=true&") + own + "&" + defaults)
        << own;
  }
  // No bundle found on the machine: the TLS library's default applies.
  EXPECT_EQ(with_lambda_defaults("mongodb://h/?tls=true", ""), "mongodb://h/?tls=true&" + defaults);
}

TEST_F(MongoConfigTest, ExternalClustersWithInjectedCredentials) {
  setenv(
      "EXTERNAL_MONGODB_CONNECTIONS",
      R"([{"name":"ClusterDockets","connection_string":"mongodb://old:creds@dockets.example.com/?tls=true"},
             {"name":"Plain","connection_string":"mongodb+srv://plain.example.com"}])",
      1);
  auto clusters = external_clusters_from_env();
  ASSERT_EQ(clusters.size(), 2u);
  EXPECT_EQ(clusters[0].name, "ClusterDockets");
  EXPECT_EQ(clusters[0].connection_string, "mongodb://old:creds@dockets.example.com/?tls=true");
  setenv("MONGO_DB_USER", "svc", 1);
  setenv("MONGO_DB_PASSWORD", "p@ss", 1);
  clusters = external_clusters_from_env();
  EXPECT_EQ(clusters[0].connection_string, "mongodb://svc:p%40ss@dockets.example.com/?tls=true");
  EXPECT_EQ(clusters[1].connection_string, "mongodb+srv://svc:p%40ss@plain.example.com");
}

TEST_F(MongoConfigTest, ExternalClustersBadConfigurationIsClear) {
  EXPECT_TRUE(external_clusters_from_env().empty());
  setenv("EXTERNAL_MONGODB_CONNECTIONS", "  ", 1);
  EXPECT_TRUE(external_clusters_from_env().empty());
  for (const char* bad : {"[{", R"({"name":"x"})", R"([{"name":"x"}])",
                          R"([{"name":"","connection_string":"mongodb://h"}])"}) {
    setenv("EXTERNAL_MONGODB_CONNECTIONS", bad, 1);
    EXPECT_THROW((void)external_clusters_from_env(), ConfigurationError) << bad;
  }
}

// Found by tests/fuzz/mongo_uri (corpus: crash-external-number-out-of-range): Json::parse's
// out_of_range escaped as itself, not a ConfigurationError, and a parse error quoted the text
// it stopped at, a password included.
TEST_F(MongoConfigTest, ExternalClustersBadJsonIsAConfigurationErrorThatQuotesNothing) {
  for (const char* bad : {"[55555555555555e55555]", R"([{"name":"x","n":1e400}])",
                          R"([{"name":"x","connection_string":"mongodb://u:s3cr3t@h)"}) {
    setenv("EXTERNAL_MONGODB_CONNECTIONS", bad, 1);
    try {
      (void)external_clusters_from_env();
      ADD_FAILURE() << bad << " was accepted";
    } catch (const ConfigurationError& error) {
      std::string message = error.what();
      EXPECT_NE(message.find("EXTERNAL_MONGODB_CONNECTIONS is not valid JSON"), std::string::npos)
          << message;
      EXPECT_EQ(message.find("s3cr3t"), std::string::npos) << message;
      EXPECT_EQ(message.find("5555"), std::string::npos) << message;
    }
  }
  setenv("EXTERNAL_MONGODB_CONNECTIONS", (std::string(200, '[') + std::string(200, ']')).c_str(),
         1);
  EXPECT_THROW((void)external_clusters_from_env(), ConfigurationError);
}

}  // namespace
}  // namespace aws_helper::mongo
