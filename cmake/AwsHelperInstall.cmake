# Install rules and the package config: find_package(aws_cpp_helper) then gives the same
# aws_helper:: targets and the aws_helper_add_service() function as the build tree.
include(CMakePackageConfigHelpers)

get_property(layers GLOBAL PROPERTY AWS_HELPER_LAYERS)
install(TARGETS ${layers} aws_helper_all EXPORT aws_cpp_helperTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/aws_helper DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/aws_helper/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/aws_helper)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/aws_cpp_helper)
install(EXPORT aws_cpp_helperTargets NAMESPACE aws_helper:: DESTINATION ${config_dir})
# The Lambda build's static libmongoc/libbson/libcurl and cpp-httplib's header travel with the
# package, so a service built against it needs nothing from the framework's build machine.
if(AWS_HELPER_DEPS STREQUAL "lambda")
  set(deps_dir ${CMAKE_INSTALL_LIBDIR}/aws_cpp_helper/deps)
  install(DIRECTORY ${AWS_HELPER_DEPS_PREFIX}/lib/ DESTINATION ${deps_dir}/lib
          FILES_MATCHING PATTERN "*.a" PATTERN "cmake" EXCLUDE PATTERN "pkgconfig" EXCLUDE)
  install(DIRECTORY ${AWS_HELPER_DEPS_PREFIX}/include/ DESTINATION ${deps_dir}/include)
  install(DIRECTORY ${AWS_HELPER_DEPS_PREFIX}/share/ DESTINATION ${deps_dir}/share)
  set(AWS_HELPER_PACKAGE_DEPS_PREFIX "\${PACKAGE_PREFIX_DIR}/${deps_dir}")
else()
  set(AWS_HELPER_PACKAGE_DEPS_PREFIX "")
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/aws_cpp_helperConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/aws_cpp_helperConfig.cmake
                              INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/aws_cpp_helperConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/aws_cpp_helperConfig.cmake
              ${PROJECT_BINARY_DIR}/aws_cpp_helperConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/AwsHelperDependencies.cmake
              ${PROJECT_SOURCE_DIR}/cmake/AwsHelperService.cmake
              ${PROJECT_SOURCE_DIR}/cmake/AwsHelperPackage.cmake
              ${PROJECT_SOURCE_DIR}/src/compat/glibc_compat.cpp
        DESTINATION ${config_dir})
# The C++ that aws_helper_add_service() generates, beside AwsHelperService.cmake as in the source.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/cmake/templates DESTINATION ${config_dir})

# The same package, usable straight from the build tree (the build-failure tests and local
# consumers point aws_cpp_helper_DIR at ${PROJECT_BINARY_DIR}/package).
export(EXPORT aws_cpp_helperTargets NAMESPACE aws_helper::
       FILE ${PROJECT_BINARY_DIR}/package/aws_cpp_helperTargets.cmake)
file(WRITE ${PROJECT_BINARY_DIR}/package/aws_cpp_helperConfig.cmake
     "set(AWS_HELPER_FROM_PACKAGE_CONFIG ON)
set(AWS_HELPER_DEPS ${AWS_HELPER_DEPS})
set(AWS_HELPER_DEPS_PREFIX \"${AWS_HELPER_DEPS_PREFIX}\")
include(\"${PROJECT_SOURCE_DIR}/cmake/AwsHelperDependencies.cmake\")
unset(AWS_HELPER_FROM_PACKAGE_CONFIG)
include(\"\${CMAKE_CURRENT_LIST_DIR}/aws_cpp_helperTargets.cmake\")
include(\"${PROJECT_SOURCE_DIR}/cmake/AwsHelperService.cmake\")
")

# aws-helper (new, add, setup, dev, test) with its templates, the scripts it shares with the
# framework's own (pinned peer versions, installers, peers) and the documentation.
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/aws-helper DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tools/scaffold/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/aws_cpp_helper/scaffold USE_SOURCE_PERMISSIONS)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/lib/common.sh ${PROJECT_SOURCE_DIR}/scripts/lib/install.sh
              ${PROJECT_SOURCE_DIR}/scripts/lib/peers.sh
        DESTINATION ${CMAKE_INSTALL_DATADIR}/aws_cpp_helper/dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/aws_cpp_helper)
