#include "mongo/error_mapping.hpp"

#include <string>

#include <mongoc/mongoc.h>

#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>

#include "document/bson_convert.hpp"

namespace aws_helper::mongo {

Json Reply::json() const {
  return from_bson(doc_);
}

void raise(const bson_error_t& error, const Json* reply) {
  std::string message = error.message;
  if (error.code == 11000 || error.code == 11001) {
    throw DuplicateKeyError(message, error.domain, error.code, duplicate_key(message, reply));
  }
  if (error.domain == MONGOC_ERROR_SERVER_SELECTION || error.domain == MONGOC_ERROR_STREAM ||
      (error.domain == MONGOC_ERROR_CLIENT && error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE)) {
    // The driver's text names hosts and ports ("... calling hello on '10.0.3.7:27017'"): it
    // goes to the log, and callers (API clients, other Lambdas) get what failed, not where.
    static const Logger logger{"aws_helper.mongo"};
    logger.warn("MongoDB is unreachable: {}", message);
    const char* what = error.domain == MONGOC_ERROR_SERVER_SELECTION
                           ? "no server could be reached in time"
                       : error.domain == MONGOC_ERROR_STREAM ? "the connection failed or timed out"
                                                             : "authentication failed";
    throw MongoUnavailableError(std::string("MongoDB is unreachable: ") + what, error.domain,
                                error.code);
  }
  throw MongoCommandError(message, error.domain, error.code);
}

void raise(const bson_error_t& error, const Reply& reply) {
  Json details = reply.json();
  raise(error, &details);
}

std::int64_t count_field(const Json& reply, const char* key) {
  auto it = reply.find(key);
  if (it == reply.end()) return 0;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_object() && it->contains("$numberLong")) {
    return std::stoll((*it)["$numberLong"].get<std::string>());
  }
  return 0;
}

}  // namespace aws_helper::mongo
