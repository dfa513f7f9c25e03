# Installation: `cmake --install build --prefix PREFIX` installs the layer libraries, the public
# headers, the `lift` CLI and a CMake package, so that a project outside this tree writes
#
#   find_package(lift REQUIRED)            # CMAKE_PREFIX_PATH=PREFIX
#   lift_add_function(my-fn SOURCES main.cpp LIBRARIES lift::lift)
#
# Every library defined under src/ is installed and exported as lift::<name without "lift_">
# (lift_core -> lift::core, the same names as the build tree's aliases), found rather than
# listed so that a new layer is installed without a change here. Included from the top-level
# CMakeLists.txt once src/ and tools/lift are added.

# Off by default when lift is built as part of another project (add_subdirectory).
option(LIFT_INSTALL "Add lift's install rules" ${PROJECT_IS_TOP_LEVEL})
if(NOT LIFT_INSTALL)
  return()
endif()

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LIFT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/lift CACHE STRING
  "Where `cmake --install` puts lift's CMake package (liftConfig.cmake), relative to the prefix")

# The library targets defined in src and the directories below it.
include(LiftTargets)
lift_targets_below(${PROJECT_SOURCE_DIR}/src "^(STATIC_LIBRARY|OBJECT_LIBRARY|INTERFACE_LIBRARY)$" _lift_exported)
# The warning flags: static libraries name it in their link interface, so it is exported too,
# empty outside this build (its options are BUILD_INTERFACE only, see LiftCompilerOptions).
list(APPEND _lift_exported lift_build_options)

# The third-party packages the exported libraries link, so that liftConfig.cmake finds them.
set(LIFT_NEEDS_OPENSSL OFF)
set(LIFT_NEEDS_ZLIB OFF)
foreach(target IN LISTS _lift_exported)
  get_target_property(name ${target} NAME)
  string(REGEX REPLACE "^lift_" "" export_name ${name})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${export_name})
  get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
  if(links)
    if(links MATCHES "OpenSSL::")
      set(LIFT_NEEDS_OPENSSL ON)
    endif()
    if(links MATCHES "ZLIB::")
      set(LIFT_NEEDS_ZLIB ON)
    endif()
    # A package liftConfig.cmake does not know would leave users' projects with an unknown target.
    string(REGEX MATCHALL "[A-Za-z0-9_.+-]+::" namespaces "${links}")
    list(REMOVE_DUPLICATES namespaces)
    # (yaml-cpp and expat are linked by the paths of their static libraries: no package to find.)
    list(REMOVE_ITEM namespaces "lift::" "Boost::" "Threads::" "OpenSSL::" "ZLIB::")
    if(namespaces)
      message(WARNING "${name} links ${namespaces}...: add its find_dependency to cmake/liftConfig.cmake.in "
                      "and cmake/LiftInstall.cmake, or find_package(lift) will not work")
    endif()
  endif()
endforeach()

install(TARGETS ${_lift_exported} EXPORT liftTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/lift/objects
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/lift DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The CLI (lift invoke, dev, package, doctor, new, ...), also exported as lift::cli for custom
# commands in users' builds.
if(TARGET lift_cli)
  set_target_properties(lift_cli PROPERTIES EXPORT_NAME cli)
  install(TARGETS lift_cli EXPORT liftTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT liftTargets NAMESPACE lift:: DESTINATION ${LIFT_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/liftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/liftConfig.cmake
  INSTALL_DESTINATION ${LIFT_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/liftVersionCompatibility.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
# The libraries are built for one processor: a project cross-compiling for arm64 on a machine
# that also has an x86_64 lift installed must not take that one (its link would fail on the
# archives' format). find_package skips an unsuitable version and goes on looking, so an arm64
# lift on CMAKE_PREFIX_PATH is found instead.
file(READ ${PROJECT_BINARY_DIR}/cmake/liftVersionCompatibility.cmake lift_version_compatibility)
file(WRITE ${PROJECT_BINARY_DIR}/cmake/liftConfigVersion.cmake
"if(NOT CMAKE_SYSTEM_PROCESSOR STREQUAL \"${CMAKE_SYSTEM_PROCESSOR}\")
  set(PACKAGE_VERSION \"${PROJECT_VERSION} (built for ${CMAKE_SYSTEM_PROCESSOR})\")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
  return()
endif()
${lift_version_compatibility}")
unset(lift_version_compatibility)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/liftConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/liftConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/LiftFunction.cmake
  DESTINATION ${LIFT_INSTALL_CMAKEDIR})
# Toolchain files for the builds of functions for another architecture (lib/cmake/lift/toolchains/).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/cmake/toolchains DESTINATION ${LIFT_INSTALL_CMAKEDIR})

# What the install test (tests/integration/cli) must see built before it installs.
set_property(GLOBAL PROPERTY LIFT_INSTALLED_TARGETS ${_lift_exported})
unset(_lift_exported)
