// Typed schemas: validation, coercion, defaults, errors, structs back, JSON Schema.
#include <gtest/gtest.h>

#include <aws_helper/schema.hpp>

namespace test_schema {

enum class Priority { low, normal, high };

struct Stop {
  std::string city;
  std::string zip;
  static void describe(aws_helper::Fields<Stop>& f) {
    f.required("city", &Stop::city).min_length(1);
    f.required("zip", &Stop::zip).pattern("^[0-9]{5}$");
  }
};

struct NewShipping {
  std::string carrier_id;
  double weight_kg = 1.0;
  int pieces = 1;
  bool fragile = false;
  std::optional<std::string> note;
  std::vector<Stop> stops;
  std::vector<std::string> tags;
  std::string service = "ground";
  Priority priority = Priority::normal;
  aws_helper::Json extra;
  static void describe(aws_helper::Fields<NewShipping>& f) {
    f.required("carrier_id", &NewShipping::carrier_id).min_length(3).max_length(12);
    f.optional("weight_kg", &NewShipping::weight_kg).minimum(0.1).maximum(1000);
    f.optional("pieces", &NewShipping::pieces).minimum(1);
    f.optional("fragile", &NewShipping::fragile);
    f.optional("note", &NewShipping::note).max_length(5).description("For the driver");
    f.required("stops", &NewShipping::stops).min_length(1).max_length(3);
    f.optional("tags", &NewShipping::tags);
    f.optional("service", &NewShipping::service).one_of({"ground", "air", "sea"});
    f.optional("priority", &NewShipping::priority);
    f.optional("extra", &NewShipping::extra);
  }
};

}  // namespace test_schema

template <>
struct aws_helper::EnumNames<test_schema::Priority> {
  static constexpr std::array values = {std::pair{test_schema::Priority::low, "low"},
                                        std::pair{test_schema::Priority::normal, "normal"},
                                        std::pair{test_schema::Priority::high, "high"}};
};

namespace aws_helper {
namespace {

using test_schema::NewShipping;
using test_schema::Priority;

const Json kStops = Json::array({{{"city", "Hartford"}, {"zip", "06103"}}});

Json details_of(const Json& data) {
  try {
    (void)schema_of<NewShipping>().validate(data);
  } catch (const SchemaValidationError& error) {
    EXPECT_EQ(error.http_status(), 400);
    EXPECT_EQ(error.error_type(), "ValidationError");
    return error.details();
  }
  ADD_FAILURE() << "expected a SchemaValidationError for " << data.dump();
  return nullptr;
}

TEST(SchemaTest, DefaultsUnknownKeysAndOrder) {
  Json out = schema_of<NewShipping>().validate(
      {{"stops", kStops}, {"unknown", 1}, {"carrier_id", "acme"}});
  EXPECT_EQ(out, (Json{{"carrier_id", "acme"},
                       {"weight_kg", 1.0},
                       {"pieces", 1},
                       {"fragile", false},
                       {"note", nullptr},
                       {"stops", kStops},
                       {"tags", Json::array()},
                       {"service", "ground"},
                       {"priority", "normal"},
                       {"extra", nullptr}}));
}

TEST(SchemaTest, QueryTextIsCoercedWhereTheFieldIsTyped) {
  Json out = schema_of<NewShipping>().validate({{"carrier_id", "acme"},
                                                {"weight_kg", "12.5"},
                                                {"pieces", " 3 "},
                                                {"fragile", "true"},
                                                {"tags", "solo"},
                                                {"stops", kStops}});
  EXPECT_EQ(out["weight_kg"], 12.5);
  EXPECT_EQ(out["pieces"], 3);
  EXPECT_EQ(out["fragile"], true);
  EXPECT_EQ(out["tags"], Json::array({"solo"})) << "a lone query value is a list of one";
  EXPECT_EQ(
      schema_of<NewShipping>()
          .validate({{"carrier_id", "acme"}, {"stops", kStops}, {"pieces", 4.0}, {"fragile", 0}})
          .at("pieces"),
      4);
}

TEST(SchemaTest, EveryFailingFieldIsReportedWithLocMsgAndType) {
  Json details = details_of({{"weight_kg", "heavy"},
                             {"pieces", 0},
                             {"fragile", "maybe"},
                             {"note", "too long"},
                             {"stops", {{{"city", ""}, {"zip", "6103"}}, {{"zip", 6103}}}},
                             {"service", "teleport"},
                             {"priority", "urgent"}});
  auto find = [&](const Json& loc) {
    for (const auto& issue : details)
      if (issue["loc"] == loc) return issue;
    return Json(nullptr);
  };
  EXPECT_EQ(find({"carrier_id"}),
            (Json{{"loc", {"carrier_id"}}, {"msg", "Field required"}, {"type", "missing"}}));
  EXPECT_EQ(find({"weight_kg"})["type"], "float_parsing");
  EXPECT_EQ(find({"pieces"})["msg"], "Input should be greater than or equal to 1");
  EXPECT_EQ(find({"fragile"})["type"], "bool_parsing");
  EXPECT_EQ(find({"note"})["msg"], "String should have at most 5 characters");
  EXPECT_EQ(find({"stops", 0, "city"})["type"], "string_too_short");
  EXPECT_EQ(find({"stops", 0, "zip"})["msg"], "String should match pattern '^[0-9]{5}$'");
  EXPECT_EQ(find({"stops", 1, "city"})["type"], "missing");
  EXPECT_EQ(find({"stops", 1, "zip"})["type"], "string_type");
  EXPECT_EQ(find({"service"})["msg"], "Input should be 'ground', 'air' or 'sea'");
  EXPECT_EQ(find({"priority"})["msg"], "Input should be 'low', 'normal' or 'high'");
  EXPECT_EQ(details.size(), 11u) << details.dump(2);
}

TEST(SchemaTest, MessageIsOneReadableLine) {
  try {
    (void)schema_of<NewShipping>().validate({{"stops", Json::array()}});
    FAIL();
  } catch (const SchemaValidationError& error) {
    EXPECT_STREQ(error.what(),
                 "2 validation errors for NewShipping: carrier_id: Field required; stops: List "
                 "should have at least 1 item after validation, not 0");
  }
  Json details = details_of(Json::array({1}));
  EXPECT_EQ(details[0]["type"], "model_type");
  EXPECT_EQ(details[0]["loc"], Json::array());
}

TEST(SchemaTest, TypeErrorsAndBounds) {
  auto type_at = [](const Json& data, const char* field) {
    for (const auto& issue : details_of(data))
      if (issue["loc"] == Json::array({field})) return issue["type"].get<std::string>();
    return std::string("none");
  };
  Json base = {{"carrier_id", "acme"}, {"stops", kStops}};
  auto with = [&](const char* key, Json value) {
    Json data = base;
    data[key] = std::move(value);
    return data;
  };
  EXPECT_EQ(type_at(with("carrier_id", 123), "carrier_id"), "string_type");
  EXPECT_EQ(type_at(with("carrier_id", "ab"), "carrier_id"), "string_too_short");
  EXPECT_EQ(type_at(with("pieces", 1.5), "pieces"), "int_from_float");
  EXPECT_EQ(type_at(with("pieces", "1.5"), "pieces"), "int_parsing");
  EXPECT_EQ(type_at(with("pieces", true), "pieces"), "int_type");
  EXPECT_EQ(type_at(with("pieces", 3000000000LL), "pieces"), "less_than_equal") << "int range";
  // 2^70 arrives as a double: out of range, not "a number with a fractional part".
  Json huge = Json::parse("1180591620717411303424");
  EXPECT_EQ(type_at(with("pieces", huge), "pieces"), "less_than_equal");
  EXPECT_EQ(type_at(with("pieces", Json::parse("-1180591620717411303424")), "pieces"),
            "greater_than_equal");
  EXPECT_EQ(type_at(with("pieces", "99999999999999999999999"), "pieces"), "less_than_equal");
  EXPECT_EQ(type_at(with("pieces", "-99999999999999999999999"), "pieces"), "greater_than_equal");
  EXPECT_EQ(schema_of<NewShipping>().validate(with("pieces", 4.0))["pieces"], 4)
      << "a whole double is an integer";
  EXPECT_EQ(type_at(with("weight_kg", 1001), "weight_kg"), "less_than_equal");
  EXPECT_EQ(type_at(with("weight_kg", Json::array()), "weight_kg"), "float_type");
  EXPECT_EQ(type_at(with("fragile", 2), "fragile"), "bool_type");
  EXPECT_EQ(type_at(with("stops", {{"city", "x"}}), "stops"), "list_type");
  EXPECT_EQ(
      type_at(with("stops", Json::array({kStops[0], kStops[0], kStops[0], kStops[0]})), "stops"),
      "too_long");
  // Lengths count characters, not bytes.
  EXPECT_NO_THROW((void)schema_of<NewShipping>().validate(with("note", "\xC3\xA9t\xC3\xA9!")));
  // null is "absent" for an optional field, "wrong" for a required one.
  EXPECT_NO_THROW((void)schema_of<NewShipping>().validate(with("note", nullptr)));
  EXPECT_EQ(type_at(with("carrier_id", nullptr), "carrier_id"), "string_type");
}

TEST(SchemaTest, StructBackAndDump) {
  const auto& schema = schema_of<NewShipping>();
  NewShipping shipping = schema.parse({{"carrier_id", "acme"},
                                       {"stops", kStops},
                                       {"note", "ok"},
                                       {"priority", "high"},
                                       {"extra", {{"any", {1, 2}}}}});
  EXPECT_EQ(shipping.carrier_id, "acme");
  EXPECT_EQ(shipping.weight_kg, 1.0);
  ASSERT_EQ(shipping.stops.size(), 1u);
  EXPECT_EQ(shipping.stops[0].zip, "06103");
  EXPECT_EQ(shipping.note, "ok");
  EXPECT_EQ(shipping.priority, Priority::high);
  EXPECT_EQ(shipping.extra["any"][1], 2);
  Json dumped = schema.dump(shipping);
  EXPECT_EQ(schema.validate(dumped), dumped) << "a struct dumps to valid, normalised data";
}

TEST(SchemaTest, JsonSchema) {
  Json schema = schema_of<NewShipping>().json_schema();
  EXPECT_EQ(schema["title"], "NewShipping");
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["required"], Json::array({"carrier_id", "stops"}));
  EXPECT_EQ(schema["properties"]["carrier_id"],
            (Json{{"type", "string"}, {"minLength", 3}, {"maxLength", 12}}));
  EXPECT_EQ(schema["properties"]["weight_kg"],
            (Json{{"type", "number"}, {"minimum", 0.1}, {"maximum", 1000.0}}));
  EXPECT_EQ(schema["properties"]["pieces"]["type"], "integer");
  EXPECT_EQ(schema["properties"]["note"]["anyOf"][1], (Json{{"type", "null"}}));
  EXPECT_EQ(schema["properties"]["note"]["description"], "For the driver");
  EXPECT_EQ(schema["properties"]["stops"]["minItems"], 1);
  EXPECT_EQ(schema["properties"]["stops"]["items"]["properties"]["zip"]["pattern"], "^[0-9]{5}$");
  EXPECT_EQ(schema["properties"]["priority"],
            (Json{{"type", "string"}, {"enum", {"low", "normal", "high"}}}));
  EXPECT_EQ(schema["properties"]["service"]["enum"], Json::array({"ground", "air", "sea"}));
  EXPECT_EQ(schema["properties"]["extra"], Json::object());
}

struct BadPattern {
  std::string code;
  static void describe(Fields<BadPattern>& f) {
    f.required("code", &BadPattern::code).pattern("(");
  }
};

TEST(SchemaTest, AnInvalidPatternIsAConfigurationError) {
  EXPECT_THROW((void)schema_of<BadPattern>().validate({{"code", "x"}}), ConfigurationError);
}

struct Patterns {
  std::string code;
  std::string word;
  std::string nested;
  static void describe(Fields<Patterns>& f) {
    f.optional("code", &Patterns::code).pattern("^[A-Z]+-[0-9]+$");
    f.optional("word", &Patterns::word).pattern("b|\\bz");
    f.optional("nested", &Patterns::nested).pattern("^(a+)+$");
  }
};

bool valid(const Json& data) {
  try {
    (void)schema_of<Patterns>().validate(data);
    return true;
  } catch (const SchemaValidationError&) {
    return false;
  }
}

TEST(SchemaTest, PatternsAreSearchedWithAnchorsMeaningTheEndsOfTheText) {
  EXPECT_TRUE(valid({{"code", "AB-12"}}));
  EXPECT_FALSE(valid({{"code", "xAB-12"}}));
  EXPECT_FALSE(valid({{"code", "AB-12\nx"}}));
  EXPECT_TRUE(valid({{"word", "abc"}}));  // found inside the text, as regex_search does
  EXPECT_TRUE(valid({{"word", "a z"}}));
  EXPECT_FALSE(valid({{"word", "az"}}));
  EXPECT_FALSE(valid({{"word", ""}}));
}

// Found with tests/fuzz/schema (corpus: crash-pattern-stack-overflow): libstdc++'s backtracking
// executor recursed once per character, so a 50 KB string in a field with a pattern crashed
// the process (stack overflow), and ^(a+)+$ took exponential time on "aaa...!".
TEST(SchemaTest, ALongStringAgainstAPatternNeitherOverflowsTheStackNorBacktracks) {
  EXPECT_TRUE(valid({{"code", std::string(200'000, 'A') + "-1"}}));
  EXPECT_FALSE(valid({{"code", std::string(200'000, 'A') + "-"}}));
  EXPECT_FALSE(valid({{"nested", std::string(50'000, 'a') + "!"}}));
  EXPECT_TRUE(valid({{"nested", std::string(50'000, 'a')}}));
}

struct BackReference {
  std::string twice;
  static void describe(Fields<BackReference>& f) {
    f.required("twice", &BackReference::twice).pattern("^(a+)\\1$");
  }
};

TEST(SchemaTest, APatternWithABackReferenceIsAConfigurationError) {
  // Only a backtracking matcher can follow one; the schema's is linear.
  EXPECT_THROW((void)schema_of<BackReference>().validate({{"twice", "aa"}}), ConfigurationError);
}

}  // namespace
}  // namespace aws_helper
