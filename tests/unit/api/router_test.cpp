// The build-time route table walked by folder convention (src/api/router.cpp).
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include <aws_helper/api.hpp>

namespace aws_helper {
namespace {

class Nothing : public API {
 public:
  void process() override {}
};
std::unique_ptr<API> make_nothing() {
  return std::make_unique<Nothing>();
}

const ApiEntry kRoutes[] = {
    {"users", "list", "UsersListAPI", "src/api/users/list.cpp", &make_nothing},
    {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", &make_nothing},
    {"users", "post", "UsersPostAPI", "src/api/users/post.cpp", &make_nothing},
    {"users", "put", "UsersPutAPI", "src/api/users/put.cpp", &make_nothing},
    {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", &make_nothing},
    {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp", &make_nothing},
    {"users/posts", "post", "UsersPostsPostAPI", "src/api/users/posts/post.cpp", &make_nothing},
    {"users/me", "list", "UsersMeListAPI", "src/api/users/me/list.cpp", &make_nothing},
    {"auth/login", "post", "AuthLoginPostAPI", "src/api/auth/login/post.cpp", &make_nothing},
    {"categories", "list", "CategoriesListAPI", "src/api/categories/list.cpp", &make_nothing},
};

std::string routed(const Router& router, std::string_view method, std::string_view path) {
  auto match = router.route(method, path);
  if (match.entry == nullptr) return match.path_known ? "405" : "404";
  std::string out(match.entry->class_name);
  for (const auto& [name, value] : match.parameters.named()) out += " " + name + "=" + value;
  return out;
}

TEST(RouterTest, FoldersDescendOtherSegmentsAreParameters) {
  Router router(kRoutes);
  EXPECT_EQ(routed(router, "GET", "/users"), "UsersListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/"), "UsersListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/65f1a2b3c4d5e6f7a8b9c0d1"),
            "UsersGetAPI id=65f1a2b3c4d5e6f7a8b9c0d1 user_id=65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(routed(router, "PUT", "/users/65f1a2b3c4d5e6f7a8b9c0d1"),
            "UsersPutAPI id=65f1a2b3c4d5e6f7a8b9c0d1 user_id=65f1a2b3c4d5e6f7a8b9c0d1");
  EXPECT_EQ(routed(router, "PUT", "/users/123e4567-e89b-12d3-a456-426614174000"),
            "UsersPutAPI id=123e4567-e89b-12d3-a456-426614174000 "
            "user_id=123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(routed(router, "POST", "/auth/login"), "AuthLoginPostAPI");
  EXPECT_EQ(routed(router, "POST", "/users/123/posts"), "UsersPostsPostAPI user_id=123");
  EXPECT_EQ(routed(router, "GET", "/users/ana-maria/posts"), "UsersPostsListAPI user_id=ana-maria");
  EXPECT_EQ(routed(router, "GET", "/users/123/posts/9"),
            "UsersPostsGetAPI id=9 post_id=9 user_id=123");
  EXPECT_EQ(routed(router, "GET", "/categories"), "CategoriesListAPI");
  auto match = router.route("GET", "/users/7/posts/9");
  EXPECT_EQ(match.parameters.list(), (std::vector<std::string>{"7", "9"}));
  EXPECT_EQ(match.parameters.at("post_id"), "9");
  EXPECT_THROW((void)match.parameters.at("nope"), ValueError);
}

// The routing table of the seed's README, which its own 1.0.2 code did not follow.
TEST(RouterTest, SeedReadmeRoutingTable) {
  const ApiEntry seed[] = {
      {"users", "list", "UsersListAPI", "src/api/users/list.cpp", &make_nothing},
      {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", &make_nothing},
      {"users", "post", "UsersPostAPI", "src/api/users/post.cpp", &make_nothing},
      {"users", "put", "UsersPutAPI", "src/api/users/put.cpp", &make_nothing},
      {"users", "delete", "UsersDeleteAPI", "src/api/users/delete.cpp", &make_nothing},
      {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", &make_nothing},
      {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp", &make_nothing},
  };
  Router router(seed);
  EXPECT_EQ(routed(router, "GET", "/users"), "UsersListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/123"), "UsersGetAPI id=123 user_id=123");
  EXPECT_EQ(routed(router, "POST", "/users"), "UsersPostAPI");
  EXPECT_EQ(routed(router, "PUT", "/users/123"), "UsersPutAPI id=123 user_id=123");
  EXPECT_EQ(routed(router, "DELETE", "/users/123"), "UsersDeleteAPI id=123 user_id=123");
  EXPECT_EQ(routed(router, "GET", "/users/123/posts"), "UsersPostsListAPI user_id=123");
  EXPECT_EQ(routed(router, "GET", "/users/123/posts/456"),
            "UsersPostsGetAPI id=456 post_id=456 user_id=123");
  EXPECT_EQ(router.route("GET", "/users/123/posts/456").parameters.list(),
            (std::vector<std::string>{"123", "456"}));
}

TEST(RouterTest, LiteralFoldersWin) {
  Router router(kRoutes);
  EXPECT_EQ(routed(router, "GET", "/users/me"), "UsersMeListAPI");
  EXPECT_EQ(routed(router, "GET", "/users/mee"), "UsersGetAPI id=mee user_id=mee");
}

TEST(RouterTest, UnknownPathIs404OtherMethodIs405WithAllow) {
  Router router(kRoutes);
  EXPECT_EQ(routed(router, "GET", "/nope"), "404");
  EXPECT_EQ(routed(router, "GET", "/users/1/2"), "404") << "two parameters in a row";
  EXPECT_EQ(routed(router, "GET", "/auth"), "404") << "a folder without routes";
  EXPECT_EQ(routed(router, "GET", "/"), "404");
  EXPECT_EQ(routed(router, "DELETE", "/users/1"), "405");
  auto match = router.route("DELETE", "/users/1");
  EXPECT_EQ(match.allowed, (std::vector<std::string>{"GET", "HEAD", "POST", "PUT", "OPTIONS"}));
  EXPECT_EQ(router.route("GET", "/auth/login").allowed,
            (std::vector<std::string>{"POST", "OPTIONS"}));
  EXPECT_EQ(routed(router, "HEAD", "/users"), "UsersListAPI");
  EXPECT_EQ(routed(router, "TRACE", "/users"), "405");
}

TEST(RouterTest, RouteListing) {
  Router router(kRoutes);
  std::vector<std::string> lines;
  for (const auto& route : router.routes()) lines.push_back(route.method + " " + route.pattern);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "POST /auth/login",
                       "GET /categories",
                       "GET /users",
                       "POST /users",
                       "GET /users/{id}",
                       "PUT /users/{id}",
                       "GET /users/{user_id}/me",
                       "GET /users/{user_id}/posts",
                       "POST /users/{user_id}/posts",
                       "GET /users/{user_id}/posts/{id}",
                   }));
}

TEST(RouterTest, TwoFilesOnOneRouteFail) {
  const ApiEntry twice[] = {
      {"users", "list", "UsersListAPI", "src/api/users/list.cpp", &make_nothing},
      {"users", "list", "UsersListAPI", "src/api/users/other/../list.cpp", &make_nothing},
  };
  EXPECT_THROW(Router{twice}, ConfigurationError);
}

TEST(RouterTest, SingularNames) {
  EXPECT_EQ(singular_name("users"), "user");
  EXPECT_EQ(singular_name("categories"), "category");
  EXPECT_EQ(singular_name("addresses"), "address");
  EXPECT_EQ(singular_name("boxes"), "box");
  EXPECT_EQ(singular_name("status"), "status");
  EXPECT_EQ(singular_name("land-records"), "land_record");
  EXPECT_EQ(singular_name("data"), "data");
}

TEST(RouterTest, TemplateLookupMatchesTheWalkAndLetsLiteralFoldersWin) {
  static const ApiEntry entries[] = {
      {"users", "get", "UsersGetAPI", "src/api/users/get.cpp", nullptr},
      {"users/posts", "list", "UsersPostsListAPI", "src/api/users/posts/list.cpp", nullptr},
      {"users/posts", "get", "UsersPostsGetAPI", "src/api/users/posts/get.cpp", nullptr},
      {"users/me", "list", "UsersMeListAPI", "src/api/users/me/list.cpp", nullptr},
  };
  Router router(entries);
  auto hit = router.route_template("GET", "/users/{userId}/posts/{postId}", "/users/7/posts/9");
  ASSERT_TRUE(hit.has_value());
  auto walked = router.route("GET", "/users/7/posts/9");
  EXPECT_EQ(hit->entry, walked.entry);
  EXPECT_EQ(hit->parameters.at("user_id"), "7");
  EXPECT_EQ(hit->parameters.at("post_id"), "9");
  EXPECT_EQ(hit->parameters.at("id"), "9");
  EXPECT_EQ(hit->parameters.list(), walked.parameters.list());
  EXPECT_EQ(hit->parameters.named(), walked.parameters.named());
  EXPECT_EQ(router.route_template("HEAD", "/users/{id}", "/users/7")->entry->class_name,
            "UsersGetAPI");
  // The path must fit the template, and a literal folder is never taken as a parameter:
  // /users/me is UsersMeListAPI, not UsersGetAPI with id "me".
  EXPECT_FALSE(router.route_template("GET", "/users/{id}", "/users/7/posts").has_value());
  EXPECT_FALSE(router.route_template("GET", "/users/{id}", "/users/me").has_value());
  EXPECT_EQ(router.route("GET", "/users/me").entry->class_name, "UsersMeListAPI");
  EXPECT_FALSE(router.route_template("DELETE", "/users/{id}", "/users/7").has_value());
  EXPECT_FALSE(router.route_template("GET", "/{proxy+}", "/users/7").has_value());
}
}  // namespace
}  // namespace aws_helper
