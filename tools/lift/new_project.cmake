# `lift new`: the project templates (templates/<template>/...) embedded in the CLI at build time,
# and the library that renders and writes them (the CLI and its unit tests link it).
file(GLOB_RECURSE LIFT_TEMPLATE_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/templates/*)
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/project_templates.cpp
  COMMAND ${CMAKE_COMMAND} -DTEMPLATE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/templates
    -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/project_templates.cpp -DLIFT_VERSION=${PROJECT_VERSION}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/embed_templates.cmake
  DEPENDS ${LIFT_TEMPLATE_FILES} ${CMAKE_CURRENT_SOURCE_DIR}/embed_templates.cmake
  COMMENT "Embedding the templates of lift new"
  VERBATIM)
add_library(lift_cli_new STATIC new_project.cpp ${CMAKE_CURRENT_BINARY_DIR}/project_templates.cpp)
add_library(lift::cli_new ALIAS lift_cli_new)
target_include_directories(lift_cli_new PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(lift_cli_new PUBLIC lift::core PRIVATE lift_build_options)
