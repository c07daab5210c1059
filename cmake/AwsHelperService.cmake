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

# Writes <gen_dir>/<stem>.cpp which compiles the user's file and exposes a factory for its class
# (from templates/handler.cpp.in).
function(_aws_helper_wrap_handler out gen_dir stem source relative class base header factory)
  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/templates/handler.cpp.in"
                 "${gen_dir}/${stem}.cpp" @ONLY)
  set(${out} "${gen_dir}/${stem}.cpp" PARENT_SCOPE)
endfunction()

function(aws_helper_add_service name)
  cmake_parse_arguments(ARG "" "DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_DIRECTORY)
    set(ARG_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  get_filename_component(root "${ARG_DIRECTORY}" ABSOLUTE)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}_generated)
  set(generated "")
  set(declarations "")
  set(lambda_rows "")
  set(user_files "")

  # Standalone Lambdas: src/lambda/<kebab-name>/main.cpp -> <PascalName>Lambda
  file(GLOB lambda_dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS "${root}/src/lambda/*")
  file(GLOB lambda_mains CONFIGURE_DEPENDS "${root}/src/lambda/*/main.cpp")
  list(SORT lambda_dirs)
  foreach(dir IN LISTS lambda_dirs)
    if(NOT IS_DIRECTORY "${dir}")
      continue()
    endif()
    get_filename_component(handler "${dir}" NAME)
    set(relative "src/lambda/${handler}/main.cpp")
    if(NOT handler MATCHES "^[a-z0-9]+(-[a-z0-9]+)*$")
      message(FATAL_ERROR "aws_helper: src/lambda/${handler}: a Lambda folder name must be "
                          "kebab-case (lowercase letters, digits and '-'), e.g. generate-route")
    endif()
    _aws_helper_pascal(pascal "${handler}" "-")
    set(class "${pascal}Lambda")
    if(NOT EXISTS "${dir}/main.cpp")
      message(FATAL_ERROR "aws_helper: src/lambda/${handler} has no main.cpp; expected "
                          "${relative} defining class ${class}")
    endif()
    file(READ "${dir}/main.cpp" text)
    if(NOT text MATCHES "(^|[^A-Za-z0-9_])${class}([^A-Za-z0-9_]|$)")
      message(FATAL_ERROR "aws_helper: ${relative} must define class ${class} "
                          "(deriving from aws_helper::Lambda); no ${class} found in the file")
    endif()
    string(MAKE_C_IDENTIFIER "make_lambda_${handler}" factory)
    _aws_helper_wrap_handler(wrapper "${gen_dir}" "lambda_${handler}" "${dir}/main.cpp"
                             "${relative}" "${class}" "aws_helper::Lambda"
                             "aws_helper/lambda.hpp" "${factory}")
    list(APPEND generated "${wrapper}")
    list(APPEND user_files "${dir}/main.cpp")
    string(APPEND declarations "std::unique_ptr<aws_helper::Lambda> ${factory}();\n")
    string(APPEND lambda_rows
           "    {\"${handler}\", \"${class}\", \"${relative}\", &aws_helper_generated::${factory}},\n")
  endforeach()

  # APIs: src/api/<kebab folders...>/<action>.cpp -> <Pascal folders><Action>API
  set(api_rows "")
  set(api_classes "")
  file(GLOB_RECURSE api_files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${root}/src/api/*")
  list(SORT api_files)
  foreach(file IN LISTS api_files)
    file(RELATIVE_PATH inside "${root}/src/api" "${file}")
    set(relative "src/api/${inside}")
    get_filename_component(action "${inside}" NAME_WE)
    get_filename_component(extension "${inside}" LAST_EXT)
    get_filename_component(folders "${inside}" DIRECTORY)
    if(NOT extension STREQUAL ".cpp")
      continue()  # headers and other files may sit beside the routes
    endif()
    if(NOT action MATCHES "^(list|get|post|put|patch|delete)$")
      message(FATAL_ERROR "aws_helper: ${relative}: a file under src/api is a route and must be "
                          "named list.cpp, get.cpp, post.cpp, put.cpp, patch.cpp or delete.cpp; "
                          "put shared code outside src/api (e.g. src/lib)")
    endif()
    set(pascal "")
    if(NOT folders STREQUAL "")
      string(REPLACE "/" ";" folder_list "${folders}")
      foreach(folder IN LISTS folder_list)
        if(NOT folder MATCHES "^[a-z0-9]+(-[a-z0-9]+)*$")
          message(FATAL_ERROR "aws_helper: ${relative}: the folder '${folder}' must be kebab-case "
                              "(lowercase letters, digits and '-'), e.g. land-records")
        endif()
        _aws_helper_pascal(word "${folder}" "-")
        string(APPEND pascal "${word}")
      endforeach()
    endif()
    _aws_helper_pascal(action_word "${action}" "-")
    set(class "${pascal}${action_word}API")
    list(FIND api_classes "${class}" seen)
    if(NOT seen EQUAL -1)
      math(EXPR source_index "${seen} + 1")
      list(GET api_classes ${source_index} other)
      message(FATAL_ERROR "aws_helper: ${relative} and ${other} both expect class ${class}; "
                          "rename one of the folders")
    endif()
    list(APPEND api_classes "${class}" "${relative}")
    file(READ "${file}" text)
    if(NOT text MATCHES "(^|[^A-Za-z0-9_])${class}([^A-Za-z0-9_]|$)")
      message(FATAL_ERROR "aws_helper: ${relative} must define class ${class} "
                          "(deriving from aws_helper::API); no ${class} found in the file")
    endif()
    string(MAKE_C_IDENTIFIER "make_api_${folders}_${action}" factory)
    string(MAKE_C_IDENTIFIER "api_${folders}_${action}" stem)
    _aws_helper_wrap_handler(wrapper "${gen_dir}" "${stem}" "${file}" "${relative}" "${class}"
                             "aws_helper::API" "aws_helper/api.hpp" "${factory}")
    list(APPEND generated "${wrapper}")
    list(APPEND user_files "${file}")
    string(APPEND declarations "std::unique_ptr<aws_helper::API> ${factory}();\n")
    string(APPEND api_rows
           "    {\"${folders}\", \"${action}\", \"${class}\", \"${relative}\", &aws_helper_generated::${factory}},\n")
  endforeach()
  # SQS consumers: src/consumer/<snake_name>.cpp -> <PascalName>Consumer, handler sqs:<kebab-name>
  set(consumer_rows "")
  file(GLOB consumer_files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${root}/src/consumer/*.cpp")
  list(SORT consumer_files)
  foreach(file IN LISTS consumer_files)
    get_filename_component(stem "${file}" NAME_WE)
    set(relative "src/consumer/${stem}.cpp")
    if(NOT stem MATCHES "^[a-z0-9]+(_[a-z0-9]+)*$")
      message(FATAL_ERROR "aws_helper: ${relative}: a consumer file name must be snake_case "
                          "(lowercase letters, digits and '_'), e.g. title_indexed.cpp; put "
                          "shared code outside src/consumer (e.g. src/lib)")
    endif()
    _aws_helper_pascal(pascal "${stem}" "_")
    set(class "${pascal}Consumer")
    string(REPLACE "_" "-" handler "${stem}")
    file(READ "${file}" text)
    if(NOT text MATCHES "(^|[^A-Za-z0-9_])${class}([^A-Za-z0-9_]|$)")
      message(FATAL_ERROR "aws_helper: ${relative} must define class ${class} "
                          "(deriving from aws_helper::SQSConsumer); no ${class} found in the file")
    endif()
    string(MAKE_C_IDENTIFIER "make_consumer_${stem}" factory)
    _aws_helper_wrap_handler(wrapper "${gen_dir}" "consumer_${stem}" "${file}" "${relative}"
                             "${class}" "aws_helper::SQSConsumer" "aws_helper/sqs.hpp" "${factory}")
    list(APPEND generated "${wrapper}")
    list(APPEND user_files "${file}")
    string(APPEND declarations "std::unique_ptr<aws_helper::SQSConsumer> ${factory}();\n")
    string(APPEND consumer_rows
           "    {\"${handler}\", \"${class}\", \"${relative}\", &aws_helper_generated::${factory}},\n")
  endforeach()

  # Fargate tasks: src/task/<kebab-name>/task.cpp -> <PascalName>Task, `bootstrap task <kebab-name>`
  set(task_rows "")
  file(GLOB task_dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS "${root}/src/task/*")
  file(GLOB task_mains CONFIGURE_DEPENDS "${root}/src/task/*/task.cpp")
  list(SORT task_dirs)
  foreach(dir IN LISTS task_dirs)
    if(NOT IS_DIRECTORY "${dir}")
      continue()
    endif()
    get_filename_component(task "${dir}" NAME)
    set(relative "src/task/${task}/task.cpp")
    if(NOT task MATCHES "^[a-z0-9]+(-[a-z0-9]+)*$")
      message(FATAL_ERROR "aws_helper: src/task/${task}: a task folder name must be kebab-case "
                          "(lowercase letters, digits and '-'), e.g. search-tax-by-town")
    endif()
    _aws_helper_pascal(pascal "${task}" "-")
    set(class "${pascal}Task")
    if(NOT EXISTS "${dir}/task.cpp")
      message(FATAL_ERROR "aws_helper: src/task/${task} has no task.cpp; expected ${relative} "
                          "defining class ${class}")
    endif()
    file(READ "${dir}/task.cpp" text)
    if(NOT text MATCHES "(^|[^A-Za-z0-9_])${class}([^A-Za-z0-9_]|$)")
      message(FATAL_ERROR "aws_helper: ${relative} must define class ${class} "
                          "(deriving from aws_helper::FargateTask); no ${class} found in the file")
    endif()
    string(MAKE_C_IDENTIFIER "make_task_${task}" factory)
    _aws_helper_wrap_handler(wrapper "${gen_dir}" "task_${task}" "${dir}/task.cpp" "${relative}"
                             "${class}" "aws_helper::FargateTask" "aws_helper/fargate.hpp" "${factory}")
    list(APPEND generated "${wrapper}")
    list(APPEND user_files "${dir}/task.cpp")
    string(APPEND declarations "std::unique_ptr<aws_helper::FargateTask> ${factory}();\n")
    string(APPEND task_rows
           "    {\"${task}\", \"${class}\", \"${relative}\", &aws_helper_generated::${factory}},\n")
  endforeach()
  if(consumer_rows STREQUAL "")
    set(consumer_table "static const std::span<const aws_helper::ConsumerEntry> consumers{};")
  else()
    set(consumer_table "static const aws_helper::ConsumerEntry consumers[] = {\n${consumer_rows}};")
  endif()
  if(task_rows STREQUAL "")
    set(task_table "static const std::span<const aws_helper::TaskEntry> tasks{};")
  else()
    set(task_table "static const aws_helper::TaskEntry tasks[] = {\n${task_rows}};")
  endif()

  if(api_rows STREQUAL "")
    set(api_table "static const std::span<const aws_helper::ApiEntry> apis{};")
  else()
    set(api_table "static const aws_helper::ApiEntry apis[] = {\n${api_rows}};")
  endif()

  if(lambda_rows STREQUAL "")
    set(lambda_table "static const std::span<const aws_helper::LambdaEntry> lambdas{};")
  else()
    set(lambda_table "static const aws_helper::LambdaEntry lambdas[] = {\n${lambda_rows}};")
  endif()
  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/templates/service.cpp.in"
                 "${gen_dir}/service.cpp" @ONLY)
  list(APPEND generated "${gen_dir}/service.cpp")

  # The user's handler files are compiled through their wrappers; list them for IDEs only.
  set_source_files_properties(${user_files} PROPERTIES HEADER_FILE_ONLY ON)
  add_executable(${name} ${generated} ${user_files} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE "${root}/src" "${root}/include")
  target_link_libraries(${name} PRIVATE aws_helper::aws_helper ${ARG_LINK_LIBRARIES})
  aws_helper_lambda_executable(${name})
  set_target_properties(${name} PROPERTIES OUTPUT_NAME bootstrap
                                           RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/${name}")
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
