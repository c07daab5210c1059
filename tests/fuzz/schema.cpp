// Typed schemas on arbitrary JSON: a model with every kind of field (strings with length,
// pattern and choices, integers of several widths, numbers with bounds, booleans, an enum,
// optional values, lists, a nested model, a list of models, free JSON), validated as an API
// body would be. What validation returns is checked to be stable: validating it again gives
// it back, and the struct made from it dumps back to it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <aws_helper/error.hpp>
#include <aws_helper/json.hpp>
#include <aws_helper/schema.hpp>

#include "fuzz_support.hpp"

namespace fuzz_schema {

enum class Priority { low, normal, high };

struct Stop {
  std::string city;
  std::string zip;
  std::optional<double> lat;
  static void describe(aws_helper::Fields<Stop>& f) {
    f.required("city", &Stop::city).min_length(1).max_length(40);
    f.required("zip", &Stop::zip).pattern("^[0-9]{5}$");
    f.optional("lat", &Stop::lat).minimum(-90).maximum(90);
  }
};

struct Shipping {
  std::string carrier_id;
  std::optional<std::string> reference;  // optional: a default "" would not match its pattern
  double weight_kg = 1.0;
  int pieces = 1;
  std::int64_t sequence = 0;
  std::uint8_t small = 0;
  std::uint64_t big = 0;
  bool fragile = false;
  std::optional<std::string> note;
  std::vector<Stop> stops;
  std::vector<std::string> tags;
  std::optional<std::vector<int>> codes;
  std::optional<Stop> origin;
  std::string service = "ground";
  Priority priority = Priority::normal;
  aws_helper::Json extra;
  static void describe(aws_helper::Fields<Shipping>& f) {
    f.required("carrier_id", &Shipping::carrier_id).min_length(3).max_length(12);
    f.optional("reference", &Shipping::reference).pattern("^[A-Z]+-[0-9]+$");
    f.optional("weight_kg", &Shipping::weight_kg).minimum(0.1).maximum(1000);
    f.optional("pieces", &Shipping::pieces).minimum(1).maximum(500);
    f.optional("sequence", &Shipping::sequence);
    f.optional("small", &Shipping::small);
    f.optional("big", &Shipping::big);
    f.optional("fragile", &Shipping::fragile);
    f.optional("note", &Shipping::note).max_length(20);
    f.required("stops", &Shipping::stops).min_length(1).max_length(5);
    f.optional("tags", &Shipping::tags).max_length(8);
    f.optional("codes", &Shipping::codes);
    f.optional("origin", &Shipping::origin);
    f.optional("service", &Shipping::service).one_of({"ground", "air", "sea"});
    f.optional("priority", &Shipping::priority);
    f.optional("extra", &Shipping::extra);
  }
};

}  // namespace fuzz_schema

template <>
struct aws_helper::EnumNames<fuzz_schema::Priority> {
  static constexpr std::array values = {std::pair{fuzz_schema::Priority::low, "low"},
                                        std::pair{fuzz_schema::Priority::normal, "normal"},
                                        std::pair{fuzz_schema::Priority::high, "high"}};
};

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aws_helper;
  fuzz::setup();
  Json input;
  try {
    input = parse_json(fuzz::text_of(data, size), "The request body");
  } catch (const ValueError&) {
    return 0;
  }
  const auto& schema = schema_of<fuzz_schema::Shipping>();
  Json valid;
  try {
    valid = schema.validate(input);
  } catch (const SchemaValidationError& error) {
    FUZZ_CHECK(error.details().is_array() && !error.details().empty());
    FUZZ_CHECK(error.http_status() == 400);
    return 0;
  }
  FUZZ_CHECK(schema.validate(valid) == valid);
  FUZZ_CHECK(schema.dump(schema.to_struct(valid)) == valid);
  static_cast<void>(dump_json(valid));
  return 0;
}
