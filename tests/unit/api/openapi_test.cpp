// The OpenAPI document made from a route table (src/api/openapi.cpp): paths and methods as the
// router serves them, path/query parameters, request bodies from schema(), the success reply
// from doc(), the error replies, and the AUTHORIZATION mode as security and the state header.
// The document is also checked by openapi-spec-validator against the demo (integration).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <aws_helper/api.hpp>
#include <aws_helper/openapi.hpp>

#include "support/scoped_env.hpp"

namespace aws_helper {
namespace {

using testing::ScopedEnv;

struct Filter {
  int limit = 10;
  std::vector<std::string> tags;
  static void describe(Fields<Filter>& f) {
    f.optional("limit", &Filter::limit).minimum(1).maximum(100);
    f.optional("tags", &Filter::tags);
  }
};

struct NewItem {
  std::string name;
  static void describe(Fields<NewItem>& f) { f.required("name", &NewItem::name).min_length(1); }
};

struct Item {
  std::string id;
  static void describe(Fields<Item>& f) { f.required("id", &Item::id); }
};

class ItemsListAPI : public API {
 public:
  [[nodiscard]] const Schema* schema() const override { return &schema_of<Filter>(); }
  void process() override {}
};

class ItemsPostAPI : public API {
 public:
  [[nodiscard]] const Schema* schema() const override { return &schema_of<NewItem>(); }
  [[nodiscard]] ApiDoc doc() const override {
    return {.summary = "Create an item",
            .tags = {"catalog"},
            .success_code = 201,
            .response = &schema_of<Item>()};
  }
  [[nodiscard]] std::optional<IdempotencyConfig> idempotency() const override {
    return IdempotencyConfig{};
  }
  void process() override {}
};

class ItemsGetAPI : public API {
 public:
  [[nodiscard]] ApiDoc doc() const override {
    return {.response = &schema_of<Item>(), .deprecated = true};
  }
  void process() override {}
};

class ItemsNotesDeleteAPI : public API {
 public:
  [[nodiscard]] ApiDoc doc() const override { return {.success_code = 204}; }
  void process() override {}
};

class LoginPostAPI : public API {
 public:
  [[nodiscard]] std::optional<AuthMode> authorization() const override { return AuthMode::none; }
  void process() override {}
};

class ReportsListAPI : public API {  // needs a variable this environment lacks
 public:
  ReportsListAPI() { throw ConfigurationError("REPORTS_TOPIC_ARN is not set"); }
  void process() override {}
};

template <class T>
std::unique_ptr<API> make() {
  return std::make_unique<T>();
}

const ApiEntry kApis[] = {
    {"items", "list", "ItemsListAPI", "src/api/items/list.cpp", make<ItemsListAPI>},
    {"items", "post", "ItemsPostAPI", "src/api/items/post.cpp", make<ItemsPostAPI>},
    {"items", "get", "ItemsGetAPI", "src/api/items/get.cpp", make<ItemsGetAPI>},
    {"items/notes", "delete", "ItemsNotesDeleteAPI", "src/api/items/notes/delete.cpp",
     make<ItemsNotesDeleteAPI>},
    {"login", "post", "LoginPostAPI", "src/api/login/post.cpp", make<LoginPostAPI>},
};

Json parameter(const Json& operation, const std::string& name) {
  for (const auto& p : operation.value("parameters", Json::array())) {
    if (p.value("name", "") == name) return p;
    if (p.contains("$ref") && name == "$state") return p;
  }
  return nullptr;
}

TEST(OpenApiTest, PathsAndMethodsAreTheRoutersAndParametersFollowThem) {
  ScopedEnv env({{"AUTHORIZATION", std::nullopt}, {"REQUIRES_STATE", std::nullopt}});
  Json doc = openapi_document(kApis, {.title = "shop", .version = "2.1.0"});
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["title"], "shop");
  EXPECT_EQ(doc["info"]["version"], "2.1.0");
  EXPECT_EQ(doc["servers"], Json::parse(R"([{"url":"/"}])"));
  std::vector<std::string> paths;
  for (const auto& [path, item] : doc["paths"].items()) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/items", "/items/{id}", "/items/{item_id}/notes/{id}",
                                             "/login"}));
  EXPECT_TRUE(doc["paths"]["/items"].contains("get"));
  EXPECT_TRUE(doc["paths"]["/items"].contains("post"));

  const Json& notes = doc["paths"]["/items/{item_id}/notes/{id}"]["delete"];
  EXPECT_EQ(parameter(notes, "item_id")["in"], "path");
  EXPECT_EQ(parameter(notes, "item_id")["required"], true);
  EXPECT_EQ(parameter(notes, "id")["in"], "path");
  EXPECT_FALSE(notes.contains("requestBody")) << "a DELETE without a schema takes no body";
  EXPECT_TRUE(notes["responses"].contains("204"));
  EXPECT_FALSE(notes["responses"]["204"].contains("content"));
}

TEST(OpenApiTest, AGetSchemaIsQueryParametersAndOthersABody) {
  ScopedEnv env({{"AUTHORIZATION", std::nullopt}});
  Json doc = openapi_document(kApis);
  const Json& list = doc["paths"]["/items"]["get"];
  EXPECT_FALSE(list.contains("requestBody"));
  Json limit = parameter(list, "limit");
  EXPECT_EQ(limit["in"], "query");
  EXPECT_EQ(limit["required"], false);
  EXPECT_EQ(limit["schema"]["type"], "integer");
  EXPECT_EQ(limit["schema"]["maximum"], 100);
  EXPECT_EQ(parameter(list, "tags")["explode"], true);

  const Json& post = doc["paths"]["/items"]["post"];
  EXPECT_EQ(post["requestBody"]["required"], true);
  EXPECT_EQ(post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/NewItem");
  EXPECT_EQ(doc["components"]["schemas"]["NewItem"]["required"], Json::array({"name"}));
  EXPECT_EQ(post["summary"], "Create an item");
  EXPECT_EQ(post["tags"], Json::array({"catalog"}));
  EXPECT_EQ(post["operationId"], "ItemsPostAPI");
  EXPECT_EQ(post["responses"]["201"]["description"], "Created");
  EXPECT_EQ(post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Item");
  EXPECT_EQ(post["responses"]["409"]["$ref"], "#/components/responses/Conflict");
  // Idempotent by Idempotency-Key: the header, and the 422 of a key reused with another body.
  EXPECT_EQ(parameter(post, "Idempotency-Key")["in"], "header");
  EXPECT_EQ(parameter(post, "Idempotency-Key")["required"], false);
  EXPECT_EQ(post["responses"]["422"]["$ref"], "#/components/responses/UnprocessableContent");
  EXPECT_FALSE(doc["paths"]["/items"]["get"]["responses"].contains("422"));

  const Json& get = doc["paths"]["/items/{id}"]["get"];
  EXPECT_EQ(get["summary"], "Items Get");
  EXPECT_EQ(get["tags"], Json::array({"items"}));
  EXPECT_EQ(get["deprecated"], true);
  EXPECT_EQ(get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Item");
  EXPECT_FALSE(get["responses"].contains("409")) << "a read does not conflict";
  // The login POST has no schema: any JSON body, not required.
  EXPECT_EQ(doc["paths"]["/login"]["post"]["requestBody"]["required"], false);
}

TEST(OpenApiTest, ErrorRepliesShareOneSchema) {
  ScopedEnv env({{"AUTHORIZATION", std::nullopt}});
  Json doc = openapi_document(kApis);
  const Json& responses = doc["components"]["responses"];
  for (const char* name :
       {"BadRequest", "Unauthorized", "Forbidden", "NotFound", "MethodNotAllowed", "Conflict",
        "PayloadTooLarge", "InternalServerError", "ServiceUnavailable"}) {
    ASSERT_TRUE(responses.contains(name)) << name;
    EXPECT_EQ(responses[name]["content"]["application/json"]["schema"]["$ref"],
              "#/components/schemas/Error")
        << name;
  }
  EXPECT_TRUE(responses["MethodNotAllowed"]["headers"].contains("Allow"));
  const Json& error = doc["components"]["schemas"]["Error"];
  EXPECT_EQ(error["required"], Json::parse(R"(["error","message"])"));
  EXPECT_TRUE(error["properties"].contains("details"));
  const Json& list = doc["paths"]["/items"]["get"]["responses"];
  for (const char* code : {"400", "404", "413", "500", "503"}) EXPECT_TRUE(list.contains(code));
  EXPECT_FALSE(list.contains("401")) << "AUTHORIZATION none: no 401";
}

TEST(OpenApiTest, UserModesAskForABearerTokenExceptOnPublicEndpoints) {
  ScopedEnv env({{"AUTHORIZATION", "user"}, {"AUTH_STRATEGY", "jwt"}});
  Json doc = openapi_document(kApis);
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["bearerFormat"], "JWT");
  const Json& list = doc["paths"]["/items"]["get"];
  EXPECT_EQ(list["security"], Json::parse(R"([{"bearerAuth":[]}])"));
  EXPECT_TRUE(list["responses"].contains("401"));
  EXPECT_FALSE(list["responses"].contains("403"));
  const Json& login = doc["paths"]["/login"]["post"];
  EXPECT_EQ(login["security"], Json::array()) << "authorization() none overrides the mode";
  EXPECT_FALSE(login["responses"].contains("401"));
  EXPECT_NE(doc["info"]["description"].get<std::string>().find("Bearer"), std::string::npos);
}

TEST(OpenApiTest, PermissionModeNamesThePermissionOfEachEndpoint) {
  ScopedEnv env({{"AUTHORIZATION", "permission"}, {"SERVICE_CODE", "shop"}});
  Json doc = openapi_document(kApis);
  const Json& post = doc["paths"]["/items"]["post"];
  EXPECT_EQ(post["x-permission"], "shop:POST /items");
  EXPECT_NE(post["description"].get<std::string>().find("`shop:POST /items`"), std::string::npos);
  EXPECT_TRUE(post["responses"].contains("403"));
  EXPECT_FALSE(doc["paths"]["/login"]["post"].contains("x-permission"));
}

TEST(OpenApiTest, StateModesAddTheStateHeader) {
  ScopedEnv env({{"AUTHORIZATION", "full"}, {"STATE_HEADER", "x-tenant"}});
  Json doc = openapi_document(kApis);
  const Json& state = doc["components"]["parameters"]["State"];
  EXPECT_EQ(state["name"], "x-tenant");
  EXPECT_EQ(state["in"], "header");
  EXPECT_EQ(state["required"], true);
  EXPECT_EQ(parameter(doc["paths"]["/items"]["get"], "$state")["$ref"],
            "#/components/parameters/State");
  EXPECT_TRUE(parameter(doc["paths"]["/login"]["post"], "$state").is_null());

  ScopedEnv state_required({{"AUTHORIZATION", std::nullopt}, {"REQUIRES_STATE", "true"}});
  Json required = openapi_document(kApis);
  EXPECT_FALSE(parameter(required["paths"]["/items"]["get"], "$state").is_null());
  EXPECT_EQ(required["paths"]["/items"]["get"]["security"], Json::array());
}

TEST(OpenApiTest, AnApiThatCannotBeMadeIsDocumentedFromItsRoute) {
  ScopedEnv env({{"AUTHORIZATION", "user"}});
  const ApiEntry apis[] = {
      {"items", "list", "ItemsListAPI", "src/api/items/list.cpp", make<ItemsListAPI>},
      {"reports", "list", "ReportsListAPI", "src/api/reports/list.cpp", make<ReportsListAPI>}};
  Json doc = openapi_document(apis);
  const Json& reports = doc["paths"]["/reports"]["get"];
  EXPECT_NE(reports["description"].get<std::string>().find("REPORTS_TOPIC_ARN is not set"),
            std::string::npos);
  EXPECT_EQ(reports["security"], Json::parse(R"([{"bearerAuth":[]}])")) << "the mode still applies";
  EXPECT_FALSE(reports.contains("parameters"));
  EXPECT_TRUE(doc["paths"]["/items"]["get"].contains("parameters")) << "the others are whole";
}

TEST(OpenApiTest, AMalformedSettingFailsAsTheHandlerWould) {
  ScopedEnv env({{"AUTHORIZATION", "users"}});
  EXPECT_THROW((void)openapi_document(kApis), ConfigurationError);
}

}  // namespace
}  // namespace aws_helper
