// Compiled into every bootstrap of the Lambda build (AWS_HELPER_DEPS=lambda) so that it starts
// on Amazon Linux 2023, whose glibc is 2.34, although it is built on Debian 12 (glibc 2.36).
//
// Such a bootstrap links libstdc++ and libgcc statically: Amazon Linux's own libstdc++ is older
// than the one g++ 12 needs. Debian built those archives against glibc 2.36, and two of their
// calls name functions that glibc 2.34 lacks:
//   - libgcc's unwinder calls _dl_find_object (glibc 2.35) to find the unwind tables of the
//     code an exception passes through;
//   - std::random_device calls arc4random (glibc 2.36).
// Defined here, in the executable itself, those calls bind to these definitions when the
// bootstrap is linked, so it asks the system's glibc for nothing newer than 2.34. The package
// step checks that (cmake/AwsHelperPackage.cmake), and the tests run every bootstrap with these
// definitions in place.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <dlfcn.h>
#include <link.h>
#include <sys/random.h>

namespace {

struct FindObject {
  std::uintptr_t address;
  dl_find_object* result;
  bool found;
};

// What glibc 2.35's _dl_find_object does, through dl_iterate_phdr (as libgcc itself did
// before 2.35): the loaded object whose segments hold the address, and its PT_GNU_EH_FRAME.
int visit(dl_phdr_info* info, std::size_t /*size*/, void* data) {
  auto* search = static_cast<FindObject*>(data);
  std::uintptr_t low = UINTPTR_MAX;
  std::uintptr_t high = 0;
  bool inside = false;
  const ElfW(Phdr)* eh_frame = nullptr;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type == PT_LOAD) {
      const std::uintptr_t start = info->dlpi_addr + segment.p_vaddr;
      const std::uintptr_t end = start + segment.p_memsz;
      if (start < low) low = start;
      if (end > high) high = end;
      if (search->address >= start && search->address < end) inside = true;
    } else if (segment.p_type == PT_GNU_EH_FRAME) {
      eh_frame = &segment;
    }
  }
  if (!inside) return 0;
  // ELF program headers give addresses as integers; the result wants pointers.
  // NOLINTBEGIN(performance-no-int-to-ptr)
  dl_find_object* result = search->result;
  result->dlfo_flags = 0;
  result->dlfo_map_start = reinterpret_cast<void*>(low);
  result->dlfo_map_end = reinterpret_cast<void*>(high);
  result->dlfo_link_map = nullptr;  // not read by libgcc; glibc's link maps are not public
  result->dlfo_eh_frame =
      eh_frame == nullptr ? nullptr : reinterpret_cast<void*>(info->dlpi_addr + eh_frame->p_vaddr);
  // NOLINTEND(performance-no-int-to-ptr)
  search->found = true;
  return 1;
}

void fill_random(void* buffer, std::size_t size) {
  auto* out = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    const ssize_t got = getrandom(out, size, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::abort();  // as glibc's arc4random: there is no way to report failure
    }
    out += got;
    size -= static_cast<std::size_t>(got);
  }
}

}  // namespace

// Hidden: they serve this executable's own calls and never stand in for glibc's in the shared
// libraries of the process (the linker would otherwise export them, as glibc 2.36 has them).
#define AWS_HELPER_COMPAT extern "C" __attribute__((visibility("hidden")))

AWS_HELPER_COMPAT int _dl_find_object(void* address, dl_find_object* result) noexcept {  // NOLINT
  FindObject search{reinterpret_cast<std::uintptr_t>(address), result, false};
  dl_iterate_phdr(visit, &search);
  return search.found ? 0 : -1;
}

AWS_HELPER_COMPAT std::uint32_t arc4random() noexcept {
  std::uint32_t value = 0;
  fill_random(&value, sizeof value);
  return value;
}

AWS_HELPER_COMPAT void arc4random_buf(void* buffer, std::size_t size) noexcept {
  fill_random(buffer, size);
}

// A uniform value below `bound` without modulo bias: draws that fall in the incomplete last
// span of 2^32 are redrawn.
AWS_HELPER_COMPAT std::uint32_t arc4random_uniform(std::uint32_t bound) noexcept {
  if (bound < 2) return 0;
  const std::uint32_t floor = static_cast<std::uint32_t>(-bound) % bound;
  for (;;) {
    const std::uint32_t value = arc4random();
    if (value >= floor) return value % bound;
  }
}
