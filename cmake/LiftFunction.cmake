# lift_add_function(NAME SOURCES... [LIBRARIES libs...] [OUTPUT_DIRECTORY dir])
#
# Adds a Lambda function executable that is a valid `bootstrap` for the provided.al2023
# runtime: everything but glibc is linked statically (libstdc++, libgcc, Boost), and the few
# glibc functions newer than 2.34 that those static libraries call are provided in the binary
# (src/runtime/glibc_compat.cpp), so `lift doctor` finds nothing newer than provided.al2023's glibc.
# Works in lift's tree, in a project that adds lift's tree with add_subdirectory, and after
# find_package(lift) (installed with lift's CMake package).
function(lift_add_function name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
  # lift's warnings (-Werror) for lift's own functions only, never for a project using lift.
  if(TARGET lift_build_options AND PROJECT_NAME STREQUAL "lift")
    target_link_libraries(${name} PRIVATE lift_build_options)
  endif()
  if(NOT LIFT_SANITIZED)
    # --gc-sections drops the code the function never calls (a smaller package to download).
    target_link_options(${name} PRIVATE -static-libstdc++ -static-libgcc -Wl,--gc-sections)
    if(TARGET lift_glibc_compat)
      target_link_libraries(${name} PRIVATE lift_glibc_compat)
    elseif(TARGET lift::glibc_compat)  # an installed lift (find_package(lift))
      target_link_libraries(${name} PRIVATE lift::glibc_compat)
    endif()
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
endfunction()
