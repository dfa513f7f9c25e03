# lift_add_function(NAME SOURCES... [LIBRARIES libs...] [OUTPUT_DIRECTORY dir])
#
# Adds a Lambda function executable that is a valid `bootstrap` for the provided.al2023
# runtime: everything but glibc is linked statically (libstdc++, libgcc, Boost), and the few
# glibc functions newer than 2.34 that those static libraries call are provided in the binary
# (src/runtime/glibc_compat.cpp), so `lift doctor` finds nothing newer than provided.al2023's glibc.
function(lift_add_function name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
  if(TARGET lift_build_options)
    target_link_libraries(${name} PRIVATE lift_build_options)
  endif()
  if(NOT LIFT_SANITIZE)
    target_link_options(${name} PRIVATE -static-libstdc++ -static-libgcc)
    if(TARGET lift_glibc_compat)
      target_link_libraries(${name} PRIVATE lift_glibc_compat)
    endif()
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
endfunction()
