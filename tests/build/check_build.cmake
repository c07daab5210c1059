# cmake -DCASE=<dir> -DWORK=<dir> -DPACKAGE_DIR=<dir> -DEXPECT=<regex> [-DSHOULD_BUILD=ON]
#       -P check_build.cmake
#
# Builds the service in CASE against the framework package and checks the outcome: with
# SHOULD_BUILD, that it builds and its bootstrap lists lambda:make-report, sqs:title-indexed,
# the task search-tax and the API routes;
# otherwise that the
# configure or build fails with output matching EXPECT.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/src")
file(COPY "${CASE}/src/" DESTINATION "${WORK}/src")
file(WRITE "${WORK}/CMakeLists.txt" "cmake_minimum_required(VERSION 3.25)
project(case LANGUAGES CXX)
find_package(aws_cpp_helper REQUIRED)
aws_helper_add_service(case)
")
execute_process(COMMAND ${CMAKE_COMMAND} -S "${WORK}" -B "${WORK}/build" -G Ninja
                        -Daws_cpp_helper_DIR=${PACKAGE_DIR}
                RESULT_VARIABLE configure_result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
set(build_result 1)
if(configure_result EQUAL 0)
  execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK}/build"
                  RESULT_VARIABLE build_result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(APPEND output "${out}${err}")
endif()

if(SHOULD_BUILD)
  if(NOT build_result EQUAL 0)
    message(FATAL_ERROR "expected the case to build:\n${output}")
  endif()
  execute_process(COMMAND "${WORK}/build/case/bootstrap" handlers OUTPUT_VARIABLE handlers
                  RESULT_VARIABLE run_result)
  if(NOT run_result EQUAL 0 OR NOT handlers STREQUAL "api\nlambda:make-report\nsqs:title-indexed\ntask search-tax\n")
    message(FATAL_ERROR "bootstrap handlers gave (${run_result}): ${handlers}")
  endif()
  execute_process(COMMAND "${WORK}/build/case/bootstrap" routes OUTPUT_VARIABLE routes
                  RESULT_VARIABLE run_result)
  if(NOT run_result EQUAL 0 OR NOT routes MATCHES "GET +/users/{id} +UsersGetAPI +src/api/users/get.cpp"
     OR NOT routes MATCHES "GET +/users/{user_id}/posts +UsersPostsListAPI")
    message(FATAL_ERROR "bootstrap routes gave (${run_result}): ${routes}")
  endif()
else()
  if(build_result EQUAL 0)
    message(FATAL_ERROR "expected the build to fail, but it succeeded:\n${output}")
  endif()
  # CMake wraps FATAL_ERROR text; compare with runs of whitespace folded to one space.
  string(REGEX REPLACE "[ \t\r\n]+" " " folded "${output}")
  if(NOT folded MATCHES "${EXPECT}")
    message(FATAL_ERROR "the failure does not say '${EXPECT}':\n${output}")
  endif()
endif()
file(REMOVE_RECURSE "${WORK}")
