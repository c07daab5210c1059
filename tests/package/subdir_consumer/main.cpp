// A program of a project that adds the framework with add_subdirectory() and links only
// aws_helper::core (tests/package/subdir_consumer.cmake runs it).
#include <cstdio>
#include <string>

#include <aws_helper/base64.hpp>
#include <aws_helper/error.hpp>
#include <aws_helper/version.hpp>

// The project sets no standard: C++20 comes with aws_helper::core.
static_assert(__cplusplus >= 202002L, "linking aws_helper::core must compile its users as C++20");

int main() {
  if (aws_helper::base64_decode(aws_helper::base64_encode("core")) != "core") {
    std::puts("base64 round trip failed");
    return 1;
  }
  try {
    (void)aws_helper::base64_decode("not base64!");
    std::puts("invalid Base64 accepted");
    return 1;
  } catch (const aws_helper::ValueError& error) {
    std::printf("aws_cpp_helper %s core ok: %s\n", std::string(aws_helper::kVersion).c_str(),
                error.error_type().c_str());
  }
  return 0;
}
