# aws_helper_add_service(<name> [DIRECTORY <dir>] [SOURCES <file>...] [LINK_LIBRARIES <lib>...])
#
# Builds the service's `bootstrap` (target <name>, file <binary dir>/<name>/bootstrap) from the
# folder convention under <dir>/src (default: the calling CMakeLists' folder):
#
#   src/lambda/<kebab-name>/main.cpp   defines class <PascalName>Lambda   -> lambda:<kebab-name>
#   src/api/<folders>/<action>.cpp      defines class <Folders><Action>API -> the `api` handler
#                                       (action: list, get, post, put, patch, delete)
#   src/consumer/<snake_name>.cpp       defines class <PascalName>Consumer -> sqs:<kebab-name>
#   src/task/<kebab-name>/task.cpp      defines class <PascalName>Task     -> bootstrap task <kebab-name>
#
# The handler table is generated here, at configure time, from the files present: there is no
# self-registration for the linker to drop. A file whose class is missing, misnamed, in a
# namespace, not derived from the right base or abstract fails the build with a message naming
# the file and the class expected. Adding or removing a handler file re-runs the generation.
# The four kinds are rows of one table (_aws_helper_handler_kinds below) handled by one loop; the
# C++ written is in templates/ (handler.cpp.in per handler, service.cpp.in for the registry).
#
# aws_helper_package_service(<name>) adds the target <name>-zip: a Lambda deployment zip.

# The files these functions use are found from CMAKE_CURRENT_FUNCTION_LIST_DIR (this file's
# folder), not from variables set when it was included: those would be missing in a project
# that add_subdirectory()s the framework, since they live in the framework's folder scope.

# aws_helper_lambda_executable(<target>): what makes an executable a deployable bootstrap.
# - Optimised even when the project sets no build type (CMake then passes no -O flag at all).
# - Linked with --gc-sections: code of the framework the service does not reach is dropped.
# - In the Lambda build (AWS_HELPER_DEPS=lambda), libstdc++ and libgcc linked statically, with
#   the two glibc functions they need from glibc 2.35+ defined in the executable, so that the
#   bootstrap needs nothing from the system but glibc 2.34 (provided.al2023).
function(aws_helper_lambda_executable target)
  target_compile_options(${target} PRIVATE $<$<STREQUAL:$<CONFIG>,>:-O2>
                                           -ffunction-sections -fdata-sections)
  target_link_options(${target} PRIVATE -Wl,--gc-sections)
  if(AWS_HELPER_DEPS STREQUAL "lambda")
    # src/compat/glibc_compat.cpp, installed beside this file in the package.
    set(compat "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/glibc_compat.cpp")
    if(NOT EXISTS "${compat}")
      get_filename_component(compat
                             "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../src/compat/glibc_compat.cpp" ABSOLUTE)
    endif()
    target_sources(${target} PRIVATE "${compat}")
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()

# "generate-route" -> "GenerateRoute" (as the seed: each word capitalised, the rest lowercased).
function(_aws_helper_pascal out text separator)
  string(REPLACE "${separator}" ";" words "${text}")
  set(result "")
  foreach(word IN LISTS words)
    string(SUBSTRING "${word}" 0 1 head)
    string(SUBSTRING "${word}" 1 -1 tail)
    string(TOUPPER "${head}" head)
    string(TOLOWER "${tail}" tail)
    string(APPEND result "${head}${tail}")
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# The handler kinds, one row each, in the order of service.cpp's tables (ServiceDefinition's).
#   folder   the kind's folder under the service's root
#   layout   how its files name the handlers, see the _aws_helper_<layout>_* functions below
#   main     a handler's file in its folder (layout folder; - for the others)
#   suffix   of the class name, <PascalName><suffix>
#   base     the class a handler derives from, declared in header
#   entry    the registry's entry type; table, service.cpp's array of them (service.cpp.in
#            names the arrays too)
#   noun, example   for the naming errors
macro(_aws_helper_handler_kinds)
  set(kinds lambda api consumer task)
  #                 folder       layout main     suffix   base                    header                 entry         table     noun     example
  set(kind_lambda   src/lambda   folder main.cpp Lambda   aws_helper::Lambda      aws_helper/lambda.hpp  LambdaEntry   lambdas   Lambda   generate-route)
  set(kind_api      src/api      routes -        API      aws_helper::API         aws_helper/api.hpp     ApiEntry      apis      route    land-records)
  set(kind_consumer src/consumer file   -        Consumer aws_helper::SQSConsumer aws_helper/sqs.hpp     ConsumerEntry consumers consumer title_indexed.cpp)
  set(kind_task     src/task     folder task.cpp Task     aws_helper::FargateTask aws_helper/fargate.hpp TaskEntry     tasks     task     search-tax-by-town)
endmacro()

# Sets the variables folder, layout, main, ... example (the columns above) from a row.
macro(_aws_helper_kind_fields row)
  set(_row "${row}")
  foreach(_column IN ITEMS folder layout main suffix base header entry table noun example)
    list(POP_FRONT _row ${_column})
  endforeach()
endmacro()

# Per layout, two functions. They (and _aws_helper_route_class) read the kind's fields (kind,
# folder, main, suffix, noun, example) and the service's root from _aws_helper_add_kind().
# _aws_helper_<layout>_candidates(<out> <dir>): what under <dir> may be a handler, sorted; with
#   CONFIGURE_DEPENDS, so that adding or removing one re-runs the generation.
# _aws_helper_<layout>_handler(<candidate>): checks its names and sets, in the caller, source (the
#   user's file; empty: not a handler), relative (its path under the root, for the messages),
#   class, stem (the generated file's name, without .cpp) and key (the first fields of its row).

# Sets source, relative, class, stem and key in the caller of the _handler function using it.
macro(_aws_helper_return_handler)
  foreach(_variable IN ITEMS source relative class stem key)
    set(${_variable} "${${_variable}}" PARENT_SCOPE)
  endforeach()
endmacro()

# Layout folder: <folder>/<kebab-name>/<main>, handler <kebab-name>.
function(_aws_helper_folder_candidates out dir)
  file(GLOB dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS "${dir}/*")
  file(GLOB mains CONFIGURE_DEPENDS "${dir}/*/${main}")  # to re-run when a <main> comes or goes
  list(SORT dirs)
  set(${out} "${dirs}" PARENT_SCOPE)
endfunction()

function(_aws_helper_folder_handler dir)
  set(source "" PARENT_SCOPE)
  if(NOT IS_DIRECTORY "${dir}")
    return()
  endif()
  get_filename_component(name "${dir}" NAME)
  set(relative "${folder}/${name}/${main}")
  if(NOT name MATCHES "^[a-z0-9]+(-[a-z0-9]+)*$")
    message(FATAL_ERROR "aws_helper: ${folder}/${name}: a ${noun} folder name must be "
                        "kebab-case (lowercase letters, digits and '-'), e.g. ${example}")
  endif()
  _aws_helper_pascal(pascal "${name}" "-")
  set(class "${pascal}${suffix}")
  if(NOT EXISTS "${dir}/${main}")
    message(FATAL_ERROR "aws_helper: ${folder}/${name} has no ${main}; expected ${relative} "
                        "defining class ${class}")
  endif()
  set(source "${dir}/${main}")
  set(stem "${kind}_${name}")
  set(key "\"${name}\"")
  _aws_helper_return_handler()
endfunction()

# Layout file: <folder>/<snake_name>.cpp, handler <kebab-name>.
function(_aws_helper_file_candidates out dir)
  file(GLOB files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${dir}/*.cpp")
  list(SORT files)
  set(${out} "${files}" PARENT_SCOPE)
endfunction()

function(_aws_helper_file_handler path)
  get_filename_component(name "${path}" NAME_WE)
  set(relative "${folder}/${name}.cpp")
  if(NOT name MATCHES "^[a-z0-9]+(_[a-z0-9]+)*$")
    message(FATAL_ERROR "aws_helper: ${relative}: a ${noun} file name must be snake_case "
                        "(lowercase letters, digits and '_'), e.g. ${example}; put "
                        "shared code outside ${folder} (e.g. src/lib)")
  endif()
  _aws_helper_pascal(pascal "${name}" "_")
  string(REPLACE "_" "-" handler "${name}")
  set(source "${path}")
  set(class "${pascal}${suffix}")
  set(stem "${kind}_${name}")
  set(key "\"${handler}\"")
  _aws_helper_return_handler()
endfunction()

# Layout routes: <folder>/<kebab folders...>/<action>.cpp, class <Folders><Action><suffix>; two
# routes may not expect the same class (route_classes: class, file, ... so far, in the caller).
function(_aws_helper_routes_candidates out dir)
  file(GLOB_RECURSE files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${dir}/*")
  list(SORT files)
  set(${out} "${files}" PARENT_SCOPE)
endfunction()

function(_aws_helper_routes_handler path)
  set(source "" PARENT_SCOPE)
  file(RELATIVE_PATH inside "${root}/${folder}" "${path}")
  set(relative "${folder}/${inside}")
  get_filename_component(action "${inside}" NAME_WE)
  get_filename_component(extension "${inside}" LAST_EXT)
  get_filename_component(folders "${inside}" DIRECTORY)
  if(NOT extension STREQUAL ".cpp")
    return()  # headers and other files may sit beside the routes
  endif()
  if(NOT action MATCHES "^(list|get|post|put|patch|delete)$")
    message(FATAL_ERROR "aws_helper: ${relative}: a file under ${folder} is a route and must be "
                        "named list.cpp, get.cpp, post.cpp, put.cpp, patch.cpp or delete.cpp; "
                        "put shared code outside ${folder} (e.g. src/lib)")
  endif()
  _aws_helper_route_class(class "${relative}" "${folders}" "${action}")
  list(FIND route_classes "${class}" seen)
  if(NOT seen EQUAL -1)
    math(EXPR other_index "${seen} + 1")
    list(GET route_classes ${other_index} other)
    message(FATAL_ERROR "aws_helper: ${relative} and ${other} both expect class ${class}; "
                        "rename one of the folders")
  endif()
  list(APPEND route_classes "${class}" "${relative}")
  set(route_classes "${route_classes}" PARENT_SCOPE)
  set(source "${path}")
  string(MAKE_C_IDENTIFIER "${kind}_${folders}_${action}" stem)
  set(key "\"${folders}\", \"${action}\"")
  _aws_helper_return_handler()
endfunction()

# <Folders><Action><suffix> for a route, refused when one of its folders is not kebab-case.
function(_aws_helper_route_class out relative folders action)
  set(pascal "")
  string(REPLACE "/" ";" parts "${folders}")
  foreach(part IN LISTS parts)
    if(NOT part MATCHES "^[a-z0-9]+(-[a-z0-9]+)*$")
      message(FATAL_ERROR "aws_helper: ${relative}: the folder '${part}' must be kebab-case "
                          "(lowercase letters, digits and '-'), e.g. ${example}")
    endif()
    _aws_helper_pascal(word "${part}" "-")
    string(APPEND pascal "${word}")
  endforeach()
  _aws_helper_pascal(action_word "${action}" "-")
  set(class "${pascal}${action_word}${suffix}")
  set(${out} "${class}" PARENT_SCOPE)
endfunction()

# One kind's handlers: checks each user file names its class, writes its wrapper (from
# templates/handler.cpp.in: it compiles the file and exposes a factory for the class), and in
# the calling aws_helper_add_service() appends to generated, user_files and declarations and
# sets <kind>_table, the kind's table in service.cpp.
function(_aws_helper_add_kind kind)
  _aws_helper_kind_fields("${kind_${kind}}")
  cmake_language(CALL _aws_helper_${layout}_candidates candidates "${root}/${folder}")
  set(rows "")
  set(route_classes "")
  foreach(candidate IN LISTS candidates)
    cmake_language(CALL _aws_helper_${layout}_handler "${candidate}")
    if(source STREQUAL "")
      continue()
    endif()
    file(READ "${source}" text)
    if(NOT text MATCHES "(^|[^A-Za-z0-9_])${class}([^A-Za-z0-9_]|$)")
      message(FATAL_ERROR "aws_helper: ${relative} must define class ${class} "
                          "(deriving from ${base}); no ${class} found in the file")
    endif()
    string(MAKE_C_IDENTIFIER "make_${stem}" factory)
    configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/templates/handler.cpp.in"
                   "${gen_dir}/${stem}.cpp" @ONLY)
    list(APPEND generated "${gen_dir}/${stem}.cpp")
    list(APPEND user_files "${source}")
    string(APPEND declarations "std::unique_ptr<${base}> ${factory}();\n")
    string(APPEND rows "    {${key}, \"${class}\", \"${relative}\", &aws_helper_generated::${factory}},\n")
  endforeach()
  # A C++ array cannot be empty: no handler of the kind, an empty span.
  if(rows STREQUAL "")
    set(${kind}_table "static const std::span<const aws_helper::${entry}> ${table}{};" PARENT_SCOPE)
  else()
    set(${kind}_table "static const aws_helper::${entry} ${table}[] = {\n${rows}};" PARENT_SCOPE)
  endif()
  foreach(variable IN ITEMS generated user_files declarations)
    set(${variable} "${${variable}}" PARENT_SCOPE)
  endforeach()
endfunction()

function(aws_helper_add_service name)
  cmake_parse_arguments(ARG "" "DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_DIRECTORY)
    set(ARG_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  get_filename_component(root "${ARG_DIRECTORY}" ABSOLUTE)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}_generated)
  set(generated "")
  set(user_files "")
  set(declarations "")
  _aws_helper_handler_kinds()
  foreach(kind IN LISTS kinds)
    _aws_helper_add_kind(${kind})
  endforeach()
  # The registry: the factories' declarations and the four tables (lambda_table, ...).
  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/templates/service.cpp.in"
                 "${gen_dir}/service.cpp" @ONLY)
  list(APPEND generated "${gen_dir}/service.cpp")

  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/templates/main.cpp.in"
                 "${gen_dir}/main.cpp" @ONLY)

  # The user's handler files are compiled through their wrappers; list them for IDEs only.
  # They and the registry are one object library, <name>-handlers: linked into the bootstrap
  # and into the service's own tests (aws_helper_add_service_test), compiled once.
  set_source_files_properties(${user_files} PROPERTIES HEADER_FILE_ONLY ON)
  add_library(${name}-handlers OBJECT ${generated} ${user_files} ${ARG_SOURCES})
  target_include_directories(${name}-handlers PUBLIC "${root}/src" "${root}/include")
  target_link_libraries(${name}-handlers PUBLIC aws_helper::aws_helper ${ARG_LINK_LIBRARIES})
  target_compile_options(${name}-handlers PRIVATE $<$<STREQUAL:$<CONFIG>,>:-O2>
                                                  -ffunction-sections -fdata-sections)
  add_executable(${name} "${gen_dir}/main.cpp")
  target_link_libraries(${name} PRIVATE ${name}-handlers)
  aws_helper_lambda_executable(${name})
  set_target_properties(${name} PROPERTIES OUTPUT_NAME bootstrap
                                           RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/${name}")
endfunction()

# aws_helper_add_service_test(<name> <source>... [LINK_LIBRARIES <lib>...]): a GoogleTest
# executable <name>-tests from the sources, linked with the service's handlers, so a test runs
# them in-process with aws_helper/testing.hpp (testing::invoke, testing::request); its tests
# are registered with ctest. Needs find_package(GTest) first.
function(aws_helper_add_service_test name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBRARIES" ${ARGN})
  if(NOT TARGET GTest::gtest_main)
    message(FATAL_ERROR "aws_helper_add_service_test(${name}): call find_package(GTest REQUIRED) first")
  endif()
  include(GoogleTest)
  add_executable(${name}-tests ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name}-tests PRIVATE ${name}-handlers GTest::gtest_main ${ARG_LINK_LIBRARIES})
  gtest_discover_tests(${name}-tests DISCOVERY_TIMEOUT 30)
endfunction()

# aws_helper_package_service(<name>): target <name>-zip builds <binary dir>/<name>.zip, a
# provided.al2023 deployment package holding `bootstrap` and the shared libraries it needs
# that Amazon Linux 2023 does not ship.
# The zip is refused when a file in it needs a glibc newer than AWS_HELPER_GLIBC_MAX (2.34,
# Amazon Linux 2023's).
set(AWS_HELPER_GLIBC_MAX 2.34 CACHE STRING
    "Newest glibc symbol version a deployment zip may need from the system (provided.al2023: 2.34)")
function(aws_helper_package_service name)
  add_custom_target(${name}-zip
    COMMAND ${CMAKE_COMMAND} -DBOOTSTRAP=$<TARGET_FILE:${name}>
            -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/${name}.zip -DGLIBC_MAX=${AWS_HELPER_GLIBC_MAX}
            -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/AwsHelperPackage.cmake
    DEPENDS ${name}
    COMMENT "Packaging ${name}.zip"
    VERBATIM)
endfunction()
