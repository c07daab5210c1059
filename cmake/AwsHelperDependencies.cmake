# The framework's dependencies (docs/dependencies.md says why each one), as aws_helper_deps::
# targets that the layers link. Shared by the build tree and the installed package config,
# which sets AWS_HELPER_DEPS (and AWS_HELPER_DEPS_PREFIX) to what the framework was built with.
#
#   AWS_HELPER_DEPS=lambda  (default) libmongoc/libbson and libcurl as static libraries built by
#                           ./scripts/setup from Debian's source packages with only what the
#                           framework uses, OpenSSL and pugixml from Debian's static archives,
#                           fmt header-only and cpp-httplib's single header: a bootstrap then
#                           needs nothing but glibc (docs/packaging.md).
#   AWS_HELPER_DEPS=debian  Debian's shared libraries, as installed by the -dev packages (ICU
#                           SASLprep, Kerberos, compressors, client-side encryption available).
if(TARGET aws_helper_deps::mongoc)
  return()
endif()
include(CMakeFindDependencyMacro)
macro(_aws_helper_find package)
  if(AWS_HELPER_FROM_PACKAGE_CONFIG)
    find_dependency(${package} ${ARGN})
  else()
    find_package(${package} ${ARGN} REQUIRED)
  endif()
endmacro()

if(NOT AWS_HELPER_FROM_PACKAGE_CONFIG)  # the package config sets what the framework used
  set(AWS_HELPER_DEPS lambda CACHE STRING
      "lambda: static libmongoc/libcurl built by scripts/setup; debian: Debian's shared libraries")
  set_property(CACHE AWS_HELPER_DEPS PROPERTY STRINGS lambda debian)
endif()
if(NOT AWS_HELPER_DEPS MATCHES "^(lambda|debian)$")
  message(FATAL_ERROR "aws_helper: AWS_HELPER_DEPS must be lambda or debian, not '${AWS_HELPER_DEPS}'")
endif()

set(THREADS_PREFER_PTHREAD_FLAG ON)
_aws_helper_find(Threads)
_aws_helper_find(nlohmann_json 3.11)
_aws_helper_find(fmt 9)
_aws_helper_find(CLI11)
_aws_helper_find(pugixml 1.13)

# An imported target, created once, visible to the whole build.
function(_aws_helper_dep name kind)
  cmake_parse_arguments(ARG "" "LOCATION" "INCLUDE;DEFINES;LINK" ${ARGN})
  add_library(aws_helper_deps::${name} ${kind} IMPORTED GLOBAL)
  if(ARG_LOCATION)
    set_target_properties(aws_helper_deps::${name} PROPERTIES IMPORTED_LOCATION "${ARG_LOCATION}")
  endif()
  set_target_properties(aws_helper_deps::${name} PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ARG_INCLUDE}"
    INTERFACE_COMPILE_DEFINITIONS "${ARG_DEFINES}"
    INTERFACE_LINK_LIBRARIES "${ARG_LINK}")
endfunction()

if(AWS_HELPER_DEPS STREQUAL "lambda")
  if(NOT AWS_HELPER_DEPS_PREFIX)
    if(DEFINED ENV{AWS_HELPER_DEPS_PREFIX})
      set(AWS_HELPER_DEPS_PREFIX "$ENV{AWS_HELPER_DEPS_PREFIX}")
    else()
      set(AWS_HELPER_DEPS_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../.peers/lambda-deps")
    endif()
  endif()
  get_filename_component(AWS_HELPER_DEPS_PREFIX "${AWS_HELPER_DEPS_PREFIX}" REALPATH)
  if(NOT AWS_HELPER_FROM_PACKAGE_CONFIG)
    set(AWS_HELPER_DEPS_PREFIX "${AWS_HELPER_DEPS_PREFIX}" CACHE PATH
        "Where scripts/setup installed the Lambda build of libmongoc and libcurl" FORCE)
  endif()
  set(_prefix "${AWS_HELPER_DEPS_PREFIX}")
  foreach(archive libmongoc-static-1.0.a libbson-static-1.0.a libcurl.a)
    if(NOT EXISTS "${_prefix}/lib/${archive}")
      message(FATAL_ERROR
        "aws_helper: AWS_HELPER_DEPS=lambda needs the static libmongoc and libcurl that "
        "./scripts/setup builds from Debian's source packages; ${_prefix}/lib/${archive} is "
        "missing. Run ./scripts/setup, set AWS_HELPER_DEPS_PREFIX to where they are, or "
        "configure with -DAWS_HELPER_DEPS=debian to use Debian's shared libraries.")
    endif()
  endforeach()
  # Debian's static OpenSSL, looked up by file name so that a shared OpenSSL the rest of the
  # project found does not leak in.
  find_library(AWS_HELPER_LIBSSL_A NAMES libssl.a REQUIRED)
  find_library(AWS_HELPER_LIBCRYPTO_A NAMES libcrypto.a REQUIRED)
  _aws_helper_dep(crypto STATIC LOCATION "${AWS_HELPER_LIBCRYPTO_A}"
                  LINK "Threads::Threads;${CMAKE_DL_LIBS}")
  _aws_helper_dep(ssl STATIC LOCATION "${AWS_HELPER_LIBSSL_A}" LINK aws_helper_deps::crypto)
  _aws_helper_dep(bson STATIC LOCATION "${_prefix}/lib/libbson-static-1.0.a"
                  INCLUDE "${_prefix}/include/libbson-1.0" DEFINES BSON_STATIC
                  LINK Threads::Threads)
  _aws_helper_dep(mongoc STATIC LOCATION "${_prefix}/lib/libmongoc-static-1.0.a"
                  INCLUDE "${_prefix}/include/libmongoc-1.0" DEFINES MONGOC_STATIC
                  LINK "aws_helper_deps::bson;aws_helper_deps::ssl;resolv")
  _aws_helper_dep(curl STATIC LOCATION "${_prefix}/lib/libcurl.a"
                  INCLUDE "${_prefix}/include" DEFINES CURL_STATICLIB
                  LINK "aws_helper_deps::ssl;Threads::Threads")
  _aws_helper_dep(httplib INTERFACE INCLUDE "${_prefix}/include" LINK Threads::Threads)
  _aws_helper_dep(fmt INTERFACE LINK fmt::fmt-header-only)
  _aws_helper_dep(pugixml INTERFACE LINK pugixml::static)
else()
  _aws_helper_find(CURL)
  _aws_helper_find(OpenSSL)
  _aws_helper_find(bson-1.0 1.23)
  _aws_helper_find(mongoc-1.0 1.23)
  if(NOT TARGET PkgConfig::AWS_HELPER_HTTPLIB)
    # cpp-httplib (the local HTTP server of `bootstrap serve`) ships a pkg-config file only.
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(AWS_HELPER_HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)
  endif()
  _aws_helper_dep(crypto INTERFACE LINK OpenSSL::Crypto)
  _aws_helper_dep(ssl INTERFACE LINK OpenSSL::SSL)
  _aws_helper_dep(bson INTERFACE LINK mongo::bson_shared)
  _aws_helper_dep(mongoc INTERFACE LINK mongo::mongoc_shared)
  _aws_helper_dep(curl INTERFACE LINK CURL::libcurl)
  _aws_helper_dep(httplib INTERFACE LINK PkgConfig::AWS_HELPER_HTTPLIB)
  _aws_helper_dep(fmt INTERFACE LINK fmt::fmt)
  _aws_helper_dep(pugixml INTERFACE LINK pugixml::pugixml)
endif()
