# The framework's dependencies, all from Debian stable packages (docs/dependencies.md says why
# each one). Shared by the build tree (find_package ... REQUIRED) and the installed package
# config (find_dependency, which reports failure through the config).
include(CMakeFindDependencyMacro)
macro(_aws_helper_find package)
  if(AWS_HELPER_FROM_PACKAGE_CONFIG)
    find_dependency(${package} ${ARGN})
  else()
    find_package(${package} ${ARGN} REQUIRED)
  endif()
endmacro()

set(THREADS_PREFER_PTHREAD_FLAG ON)
_aws_helper_find(Threads)
_aws_helper_find(CURL)
_aws_helper_find(nlohmann_json 3.11)
_aws_helper_find(fmt 9)
_aws_helper_find(CLI11)
_aws_helper_find(OpenSSL)
_aws_helper_find(mongoc-1.0 1.23)
_aws_helper_find(pugixml 1.13)
# cpp-httplib (the local HTTP server of `bootstrap serve`) ships a pkg-config file only.
if(NOT TARGET PkgConfig::AWS_HELPER_HTTPLIB)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(AWS_HELPER_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
