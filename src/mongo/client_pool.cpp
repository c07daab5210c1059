#include "mongo/client_pool.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include <aws_helper/deadline.hpp>
#include <aws_helper/log.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/mongo_config.hpp>

#include "core/ca_bundle.hpp"

namespace aws_helper::detail {

namespace {

using mongo::driver::api;

// libmongoc's own messages go through the framework's logger instead of raw stderr. Driver
// warnings are mostly noise for a service (e.g. FerretDB has no endSessions); failures reach
// the caller as exceptions, so they are logged at debug level, errors at error level.
void route_driver_logs() {
  api().log_set_handler(
      [](mongoc_log_level_t level, const char* domain, const char* message, void*) {
        static const Logger logger{"aws_helper.mongoc"};
        LogLevel ours = LogLevel::trace;
        if (level <= MONGOC_LOG_LEVEL_ERROR) {
          ours = LogLevel::error;
        } else if (level <= MONGOC_LOG_LEVEL_INFO) {
          ours = LogLevel::debug;
        }
        if (log::enabled(ours))
          log::write(ours, logger.name(), std::string(domain) + ": " + message);
      },
      nullptr);
}

// The socket timeout when the URI sets none: a reply that has not come in 10 s is a hung
// server for an API (API Gateway gives up at 29 s), not a slow query.
constexpr std::int32_t kDefaultSocketTimeoutMs = 10000;

}  // namespace

Pool::Pool(const std::string& connection_string) {
  static std::once_flag once;
  std::call_once(once, [] {
    // The handler first: mongoc_init() itself warns when /dev/shm is missing ("Falling back
    // to malloc for counters", as in Lambda), and that line must not reach stderr raw.
    route_driver_logs();
    api().init();
  });
  std::string with_defaults =
      mongo::with_lambda_defaults(connection_string, tls::system_ca_bundle());
  bson_error_t error;
  uri_.reset(api().uri_new_with_error(with_defaults.c_str(), &error));
  if (!uri_) {
    throw ConfigurationError(std::string("Invalid MongoDB connection string: ") + error.message);
  }
  if (mongo::driver::UriHandle own{api().uri_new_with_error(connection_string.c_str(), &error)}) {
    for (const char* key : {MONGOC_URI_SOCKETTIMEOUTMS, MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
                            MONGOC_URI_CONNECTTIMEOUTMS}) {
      if (api().uri_has_option(own.get(), key)) user_set_.emplace(key);
    }
  }
}

// The waits of every operation, set when the driver's pool is made (the first operation):
//   socketTimeoutMS           a reply (a stopped process, a black-holed route): else 10 s
//                             instead of the driver's 5 minutes;
//   serverSelectionTimeoutMS  finding a server that answers (5 s by with_lambda_defaults);
//   connectTimeoutMS          a connection and its handshake (5 s, likewise).
// What the URI sets itself is kept. The defaults shrink inside an invocation with less time
// in all: the first operation's time left measures the function's timeout (every invocation
// of a container has the same), and each wait gets half of it, because the driver retries a
// read once after a network error — a reply's wait, then a server's, both before Lambda's
// deadline, so the caller gets the typed error and not a timeout.
void Pool::set_timeouts() {
  std::optional<std::chrono::milliseconds> half;
  if (auto left = time_left()) half = (*left - 2 * kDeadlineMargin) / 2;
  for (auto [key, fallback] : {std::pair{MONGOC_URI_SOCKETTIMEOUTMS, kDefaultSocketTimeoutMs},
                               std::pair{MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000},
                               std::pair{MONGOC_URI_CONNECTTIMEOUTMS, 5000}}) {
    if (user_set_.count(key) != 0) continue;
    auto timeout = std::chrono::milliseconds(fallback);
    if (half) timeout = std::clamp(*half, std::chrono::milliseconds(250), timeout);
    api().uri_set_option_as_int32(uri_.get(), key, static_cast<std::int32_t>(timeout.count()));
  }
}

mongoc_client_pool_t* Pool::get() {
  std::call_once(made_, [this] {
    set_timeouts();
    pool_.reset(api().client_pool_new(uri_.get()));
    if (!pool_) throw ConfigurationError("Could not create a MongoDB client pool");
    api().client_pool_set_error_api(pool_.get(), MONGOC_ERROR_API_VERSION_2);
    api().client_pool_set_appname(pool_.get(), "aws-cpp-helper");
  });
  return pool_.get();
}

void check_deadline() {
  if (auto left = time_left(); left && *left < kDeadlineMargin) {
    throw MongoUnavailableError("MongoDB: no time left before the invocation's deadline (" +
                                    std::to_string(left->count()) + " ms)",
                                0, 0);
  }
}

Lease::Lease(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {
  check_deadline();
  client_ = api().client_pool_pop(pool_->get());
}

Lease::~Lease() {
  if (client_ != nullptr) api().client_pool_push(pool_->get(), client_);
}

mongo::driver::CollectionHandle Lease::collection(const std::string& database,
                                                  const std::string& name) const {
  return mongo::driver::CollectionHandle{
      api().client_get_collection(client_, database.c_str(), name.c_str())};
}

}  // namespace aws_helper::detail
