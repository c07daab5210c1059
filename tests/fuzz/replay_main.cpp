// The main of a fuzz target in the normal build (no libFuzzer: g++ has none): runs
// LLVMFuzzerTestOneInput once on every file given, or found under a directory given, in name
// order, so ctest replays the committed corpus deterministically. A crash, an abort or an
// escaping exception fails the test; so does finding no input at all (a corpus gone missing).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path given(argv[i]);
    if (fs::is_directory(given)) {
      for (const auto& entry : fs::recursive_directory_iterator(given)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (fs::is_regular_file(given)) {
      files.push_back(given);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::printf("%s\n", file.c_str());
    std::fflush(stdout);  // the last name printed is the input that crashed
    // An exact-size heap copy, so AddressSanitizer sees a read past the end of the input.
    auto bytes = read_file(file);
    std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
    static_cast<void>(LLVMFuzzerTestOneInput(input.data(), input.size()));
  }
  std::printf("ran %zu inputs\n", files.size());
  if (files.empty()) {
    std::fprintf(stderr, "no input found: the corpus is missing\n");
    return 1;
  }
  return 0;
}
