# The targets `make test` builds in each configuration (included last by the top-level
# CMakeLists.txt, once every target exists).
#
#   lift_checks_release  everything but the unit tests, which the ASan build compiles and runs
#   lift_checks_tsan     the tests marked TSAN (and, through their dependencies, what they run)
#   lift_checks_fuzz     the fuzz targets and the layers they link, nothing else

# Every target of `all` in a directory and below (a build-system target that is not excluded).
function(lift_collect_targets directory out)
  get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
  set(kept)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    get_target_property(excluded ${target} EXCLUDE_FROM_ALL)
    if(type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$"
       AND NOT excluded)
      list(APPEND kept ${target})
    endif()
  endforeach()
  get_property(subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    lift_collect_targets(${subdirectory} below)
    list(APPEND kept ${below})
  endforeach()
  set(${out} ${kept} PARENT_SCOPE)
endfunction()

lift_collect_targets(${PROJECT_SOURCE_DIR} lift_all_targets)
get_property(lift_unit_tests GLOBAL PROPERTY LIFT_UNIT_TESTS)
set(lift_release_targets ${lift_all_targets})
if(lift_unit_tests)
  list(REMOVE_ITEM lift_release_targets ${lift_unit_tests})
endif()
add_custom_target(lift_checks_release)
if(lift_release_targets)
  add_dependencies(lift_checks_release ${lift_release_targets})
endif()

get_property(lift_tsan_tests GLOBAL PROPERTY LIFT_TSAN_TESTS)
add_custom_target(lift_checks_tsan)
if(lift_tsan_tests)
  add_dependencies(lift_checks_tsan ${lift_tsan_tests})
endif()

get_property(lift_fuzzers GLOBAL PROPERTY LIFT_FUZZERS)
add_custom_target(lift_checks_fuzz)
if(lift_fuzzers)
  add_dependencies(lift_checks_fuzz ${lift_fuzzers})
endif()
