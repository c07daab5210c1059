// src/compat/glibc_compat.cpp, linked into this test as into every Lambda-build bootstrap
// (static libstdc++/libgcc), checked against glibc's own functions where the build machine's
// glibc (2.36) has them.
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <link.h>

extern "C" {
int _dl_find_object(void* address, dl_find_object* result) noexcept;  // NOLINT
std::uint32_t arc4random_uniform(std::uint32_t bound) noexcept;
void arc4random_buf(void* buffer, std::size_t size) noexcept;
}

namespace {

using FindObject = int (*)(void*, dl_find_object*);

[[gnu::noinline]] int thrower(int value) {
  if (value > 0) throw std::runtime_error("through the unwinder: " + std::to_string(value));
  return value;
}

TEST(GlibcCompatTest, FindsTheSameObjectAndUnwindTablesAsGlibc) {
  // Ours is hidden in this executable; glibc's is what the dynamic linker exports.
  auto glibc = reinterpret_cast<FindObject>(dlsym(RTLD_DEFAULT, "_dl_find_object"));
  ASSERT_NE(glibc, nullptr) << "the build machine's glibc should be 2.35 or newer";
  ASSERT_NE(glibc, &_dl_find_object);
  for (void* address : {reinterpret_cast<void*>(&thrower),   // this executable
                        reinterpret_cast<void*>(&::dladdr),  // libc
                        reinterpret_cast<void*>(&::snprintf)}) {
    dl_find_object ours{};
    dl_find_object theirs{};
    ASSERT_EQ(_dl_find_object(address, &ours), 0);
    ASSERT_EQ(glibc(address, &theirs), 0);
    EXPECT_EQ(ours.dlfo_eh_frame, theirs.dlfo_eh_frame);
    EXPECT_NE(ours.dlfo_eh_frame, nullptr);
    EXPECT_EQ(ours.dlfo_map_start, theirs.dlfo_map_start);
    EXPECT_EQ(ours.dlfo_map_end, theirs.dlfo_map_end);
  }
  dl_find_object none{};
  EXPECT_EQ(_dl_find_object(reinterpret_cast<void*>(16), &none), -1);
}

TEST(GlibcCompatTest, ExceptionsUnwindThroughIt) {
  try {
    (void)thrower(7);
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "through the unwinder: 7");
  }
}

TEST(GlibcCompatTest, RandomValuesStayInBoundsAndVary) {
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 1000; ++i) {
    std::uint32_t value = arc4random_uniform(10);
    ASSERT_LT(value, 10U);
    seen.insert(value);
  }
  EXPECT_EQ(seen.size(), 10U);
  EXPECT_EQ(arc4random_uniform(0), 0U);
  EXPECT_EQ(arc4random_uniform(1), 0U);
  unsigned char bytes[64] = {};
  arc4random_buf(bytes, sizeof bytes);
  int zeros = 0;
  for (unsigned char b : bytes) zeros += b == 0;
  EXPECT_LT(zeros, 16);
}

}  // namespace
