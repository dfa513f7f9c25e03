# Warning and sanitizer flags shared by every lift target, carried by the interface target
# lift_build_options so that consumers of an installed lift do not inherit -Werror: the options
# are BUILD_INTERFACE only, and the installed target (lift::build_options) is empty.
add_library(lift_build_options INTERFACE)
target_compile_options(lift_build_options INTERFACE
  "$<BUILD_INTERFACE:-Wall;-Wextra;-Wpedantic;-Werror;-Wno-error=deprecated-declarations>")

# g++ 12 at -O3 reports impossible overlapping memcpy in inlined std::string concatenation
# ("literal" + std::string; GCC bug 105329). Every such report in this tree is that false
# positive, and a build that always prints warnings teaches readers to skip them, so g++ 12
# does not run this check; other compilers do.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(lift_build_options INTERFACE $<BUILD_INTERFACE:-Wno-restrict>)
endif()

# A unity build (CMAKE_UNITY_BUILD, which make test uses to compile faster) includes each source
# file into a generated one, so g++ takes the types a source file defines in its anonymous
# namespace for types of a header and warns when a class of the file holds one. The ordinary
# build still runs that check on the real headers.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(lift_build_options INTERFACE $<BUILD_INTERFACE:-Wno-subobject-linkage>)
endif()

# Every function and object in its own section, so that a function's link (--gc-sections in
# lift_add_function) keeps only what it calls: todo-api's package is about 12% smaller.
if(NOT LIFT_SANITIZED)
  target_compile_options(lift_build_options INTERFACE "$<BUILD_INTERFACE:-ffunction-sections;-fdata-sections>")
endif()

if(LIFT_SANITIZE)
  target_compile_options(lift_build_options INTERFACE
    "$<BUILD_INTERFACE:-fsanitize=address,undefined;-fno-sanitize-recover=undefined;-fno-omit-frame-pointer>")
  target_link_options(lift_build_options INTERFACE "$<BUILD_INTERFACE:-fsanitize=address,undefined>")
endif()

# Asio orders handlers with a stand-alone fence, which TSan does not model (g++ refuses it under
# -Werror); its scheduler's mutex already orders them, so the TSan build leaves the fence out.
# A target may opt out with the property LIFT_NO_TSAN (a helper process the tests start, not code
# under test).
if(LIFT_TSAN)
  set(lift_tsan "$<NOT:$<BOOL:$<TARGET_PROPERTY:LIFT_NO_TSAN>>>")
  target_compile_options(lift_build_options INTERFACE "$<BUILD_INTERFACE:$<${lift_tsan}:-fsanitize=thread;-fno-omit-frame-pointer>>")
  target_compile_definitions(lift_build_options INTERFACE "$<BUILD_INTERFACE:BOOST_ASIO_DISABLE_FENCED_BLOCK>")
  target_link_options(lift_build_options INTERFACE "$<BUILD_INTERFACE:$<${lift_tsan}:-fsanitize=thread>>")
endif()

# The fuzz build instruments lift's own code, not only the fuzz targets: libFuzzer steers by the
# coverage of the parsers, which live in the libraries, and ASan/UBSan must watch them there.
if(LIFT_BUILD_FUZZ)
  target_compile_options(lift_build_options INTERFACE
    "$<BUILD_INTERFACE:-fsanitize=fuzzer-no-link,address,undefined;-fno-sanitize-recover=undefined;-fno-omit-frame-pointer>")
endif()
