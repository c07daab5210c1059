// Shared by the fuzz targets: the same settings for every run, a silent log, and checks that
// fail loudly.
//
// A target catches only what the API it drives documents (aws_helper::Error and its kinds,
// named per call); anything else — another exception type, a broken invariant, a sanitizer
// report — reaches libFuzzer (or the replay main) as a crash, which is the finding.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>

#include <aws_helper/log.hpp>

namespace aws_helper::fuzz {

// The framework's defaults whatever the machine's environment says (limits and log settings
// are read once per process), and log lines formatted but dropped: the log code runs on the
// fuzzed text, stdout stays quiet. Call at the top of LLVMFuzzerTestOneInput.
inline void setup() {
  static const bool done = [] {
    for (const char* name : {"AWS_HELPER_MAX_JSON_DEPTH", "AWS_HELPER_MAX_BODY_BYTES",
                             "AWS_HELPER_MAX_QUERY_PARAMETERS", "AWS_HELPER_MAX_HEADERS",
                             "AWS_LAMBDA_LOG_LEVEL", "AWS_LAMBDA_LOG_FORMAT"}) {
      unsetenv(name);
    }
    log::reload_config();
    log::set_sink([](std::string_view /*line*/, void* /*user*/) {}, nullptr);
    return true;
  }();
  static_cast<void>(done);
}

[[noreturn]] inline void broken(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", file, line, what);
  std::abort();
}

// A refusal names what it refuses without echoing the input (docs/security.md: a name or value
// quoted in a refusal is cut at 64 bytes, parse errors quote nothing): whatever the input, the
// message stays short. (Not for schema errors, which list every failing field.)
constexpr std::size_t kLongestMessage = 1024;

// The input as text.
inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes as chars
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace aws_helper::fuzz

// A property the code under test promises; a broken one aborts, so libFuzzer keeps the input.
#define FUZZ_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::aws_helper::fuzz::broken(#condition, __FILE__, __LINE__))

// The refusal's message quotes little of the input (see kLongestMessage).
#define FUZZ_CHECK_SHORT(error) \
  FUZZ_CHECK(std::strlen((error).what()) <= ::aws_helper::fuzz::kLongestMessage)
