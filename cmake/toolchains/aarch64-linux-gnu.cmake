# Cross-compiles for Lambda's arm64 (Graviton) on an x86_64 Debian or Ubuntu machine:
#
#   cmake -S . -B build-arm64 --toolchain cmake/toolchains/aarch64-linux-gnu.cmake
#
# The compiler is the distribution's cross g++ (Debian: g++-aarch64-linux-gnu). The libraries a
# function links statically (Boost.JSON and Boost.URL, OpenSSL, zlib, expat) come from the
# distribution's arm64 packages installed beside the host's ("multiarch": dpkg --add-architecture
# arm64, then libssl-dev:arm64 ...), whose headers and archives live in the aarch64-linux-gnu
# directories of /usr, so no separate sysroot is needed. lift installs this file with its CMake
# package (lib/cmake/lift/toolchains/) for projects that build their functions for arm64.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

# LIFT_CROSS_PREFIX picks another cross toolchain (a distribution's naming may differ).
set(LIFT_CROSS_PREFIX "aarch64-linux-gnu-" CACHE STRING "Prefix of the cross compiler's executables")
set(CMAKE_C_COMPILER ${LIFT_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${LIFT_CROSS_PREFIX}g++)
# Libraries and CMake packages are looked up in the multiarch directories of each prefix
# (lib/aarch64-linux-gnu), never in the host's (lib/x86_64-linux-gnu): a host library found by
# accident would fail only at link time, far from the cause.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Programs (ccache, python3) are the host's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config (FindOpenSSL and FindZLIB consult it) must describe the arm64 packages too.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")

# Executables built here run under qemu's user-mode emulator when one is installed (try_run,
# ctest); `lift invoke` finds qemu by itself.
find_program(LIFT_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(LIFT_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${LIFT_QEMU_AARCH64})
endif()
