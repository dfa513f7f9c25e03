// Lets a function built on a newer Linux run on Lambda's glibc 2.34 (provided.al2023).
//
// The static libstdc++ and libgcc of a glibc 2.35+ system (Debian 12, Ubuntu 22.04 and later)
// call two functions that glibc 2.34 lacks: arc4random (glibc 2.36; std::random_device) and
// _dl_find_object (glibc 2.35; the exception unwinder looks up the code of each frame with it).
// Debian's static expat (the aws layer's XML reader) seeds its hash tables with arc4random_buf
// (glibc 2.36) too.
// Linked into the executable, the definitions below satisfy those calls at link time, so the
// binary asks the system's glibc only for what 2.34 has. Built as an object library: as part of
// an archive, the linker would not pull it in for libraries it scans later.

#include <features.h>

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 35)

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <sys/random.h>

#include <cstdint>

#if DLFO_STRUCT_HAS_EH_DBASE || DLFO_STRUCT_HAS_EH_COUNT
#error "this target's struct dl_find_object needs fields that are not filled in here"
#endif

namespace {

struct Search {
  std::uintptr_t address;
  dl_find_object* result;
  bool found;
};

int find_in(dl_phdr_info* info, std::size_t, void* data) {
  auto& search = *static_cast<Search*>(data);
  std::uintptr_t start = UINTPTR_MAX, end = 0;
  bool contains = false;
  void* eh_frame = nullptr;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const auto& segment = info->dlpi_phdr[i];
    const std::uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
    if (segment.p_type == PT_LOAD) {
      if (begin < start) start = begin;
      if (begin + segment.p_memsz > end) end = begin + segment.p_memsz;
      if (search.address >= begin && search.address - begin < segment.p_memsz) contains = true;
    } else if (segment.p_type == PT_GNU_EH_FRAME) {
      eh_frame = reinterpret_cast<void*>(begin);
    }
  }
  if (!contains) return 0;
  *search.result = dl_find_object{};
  search.result->dlfo_map_start = reinterpret_cast<void*>(start);
  search.result->dlfo_map_end = reinterpret_cast<void*>(end);
  search.result->dlfo_link_map = nullptr;  // the unwinder reads only the EH frame
  search.result->dlfo_eh_frame = eh_frame;
  search.found = true;
  return 1;  // stop iterating
}

}  // namespace

extern "C" {

// Same contract as glibc's: fill in *result and return 0 when address is in a loaded object.
int _dl_find_object(void* address, dl_find_object* result) noexcept {
  Search search{reinterpret_cast<std::uintptr_t>(address), result, false};
  dl_iterate_phdr(find_in, &search);
  return search.found ? 0 : -1;
}

#if __GLIBC_PREREQ(2, 36)
// getrandom(2) (glibc 2.25) is the kernel's CSPRNG, as glibc's own arc4random uses.
void arc4random_buf(void* buffer, std::size_t size) noexcept {
  auto* bytes = static_cast<unsigned char*>(buffer);
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t n = getrandom(bytes + filled, size - filled, 0);
    if (n > 0) filled += static_cast<std::size_t>(n);
    else if (n < 0 && errno != EINTR) abort();  // as glibc: no fallback to weaker randomness
  }
}

std::uint32_t arc4random() noexcept {
  std::uint32_t value = 0;
  arc4random_buf(&value, sizeof value);
  return value;
}
#endif

}  // extern "C"

#endif
