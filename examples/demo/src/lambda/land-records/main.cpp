// lambda:land-records — upserts land records into the caller's state database.
//
//   {"session": {"state": "connecticut"},
//    "data": {"town": "Hartford", "records": [{"unique_id": "r1", "owner": "Ana"}]}}
//
// Shows the three kinds of repository: core.towns (fixed database), <state>.records
// (state-scoped) and, when "address_query" is given, smart_data.address on the external
// cluster ClusterDockets.
#include <aws_helper/lambda.hpp>

#include "repositories/addresses.hpp"
#include "repositories/land_records.hpp"
#include "repositories/towns.hpp"

class LandRecordsLambda : public aws_helper::Lambda {
 public:
  void validate() override {
    if (!data().contains("records") || !data()["records"].is_array()) {
      throw aws_helper::ValueError("'records' must be a list");
    }
    for (const auto& record : data()["records"]) {
      if (!record.is_object() || !record.contains("unique_id")) {
        throw aws_helper::ValueError("every record needs a 'unique_id'");
      }
    }
  }

  aws_helper::Json process() override {
    std::string town = data().value("town", std::string());
    auto known_town = town.empty() ? std::nullopt : TownsRepository().find_by_name(town);
    std::vector<aws_helper::Json> records = data()["records"];
    for (auto& record : records) record["town"] = town;
    auto inserted =
        metrics().time("UpsertTime", [&] { return LandRecordsRepository().upsert(records); });
    metrics().count("LandRecordsReceived", static_cast<double>(records.size()));
    aws_helper::Json reply = {{"state", *session().state()},
                              {"upserted", inserted},
                              {"received", records.size()},
                              {"town_known", known_town.has_value()}};
    if (data().contains("address_query")) {
      reply["addresses"] = AddressRepository().find_by_query(data()["address_query"], 10);
    }
    return reply;
  }
};
