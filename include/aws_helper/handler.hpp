// What every handler base — API, Lambda, SQSConsumer, FargateTask — gives the classes derived
// from it: the invocation's session, the MongoDB clusters, and a logger and CloudWatch metrics
// named after the class.
#pragma once

#include <string>
#include <string_view>

#include <aws_helper/log.hpp>
#include <aws_helper/metrics.hpp>
#include <aws_helper/mongo.hpp>
#include <aws_helper/session.hpp>

namespace aws_helper {

class HandlerBase {
 public:
  // The session of the invocation being handled: its state and user (see session.hpp).
  [[nodiscard]] Session& session() const { return get_session(); }
  // The seed's self.db / self.external_db: db()["deliveries"]["shippings"],
  // external_db()["ClusterDockets"]["smart_data"]["addresses"].
  [[nodiscard]] Cluster db() const { return aws_helper::db(); }
  [[nodiscard]] ExternalClusters external_db() const { return aws_helper::external_db(); }
  // A logger named after the class, e.g. "UsersGetAPI".
  [[nodiscard]] const Logger& logger() const noexcept { return logger_; }
  // The invocation's CloudWatch metrics (metrics.hpp), with the dimension handler = the class:
  // metrics().count("OrdersProcessed"), metrics().add("Size", n, Unit::bytes). Safe to use
  // from gather() tasks; written as EMF lines on stdout when the invocation ends.
  [[nodiscard]] const Metrics& metrics() const noexcept { return metrics_; }
  // So that derived classes write Unit::milliseconds.
  using Unit = MetricUnit;

  HandlerBase(const HandlerBase&) = delete;
  HandlerBase& operator=(const HandlerBase&) = delete;

 protected:
  explicit HandlerBase(std::string_view kind) : logger_{std::string(kind)} {}
  ~HandlerBase() = default;
  HandlerBase(HandlerBase&&) = delete;
  HandlerBase& operator=(HandlerBase&&) = delete;

  // Names the logger and the metrics after the class the framework is running (the registry
  // knows the name); every handler kind calls it as its invocation begins.
  void name_logger(std::string_view class_name) {
    logger_ = Logger{std::string(class_name)};
    metrics_ = Metrics{std::string(class_name)};
    aws_helper::metrics::detail::begin_handler(class_name);
  }

 private:
  Logger logger_;
  Metrics metrics_;
};

}  // namespace aws_helper
