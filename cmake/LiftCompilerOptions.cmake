# Warning and sanitizer flags shared by every lift target, carried by the interface target
# lift_build_options so that consumers of an installed lift do not inherit -Werror.
add_library(lift_build_options INTERFACE)
target_compile_options(lift_build_options INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wno-error=deprecated-declarations)

if(LIFT_SANITIZE)
  target_compile_options(lift_build_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(lift_build_options INTERFACE -fsanitize=address,undefined)
endif()
