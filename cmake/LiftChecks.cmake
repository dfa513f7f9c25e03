# The targets `make test` builds in each configuration (included last by the top-level
# CMakeLists.txt, once every target exists).
#
#   lift_checks_release  everything but the unit tests, which the ASan build compiles and runs
#   lift_checks_tsan     the tests marked TSAN (and, through their dependencies, what they run)
#   lift_checks_fuzz     the fuzz targets and the layers they link, nothing else

include(LiftTargets)

lift_targets_below(${PROJECT_SOURCE_DIR} "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$"
  lift_all_targets IN_ALL)
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
