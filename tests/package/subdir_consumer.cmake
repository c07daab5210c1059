# cmake -DSOURCE_DIR=<framework source> -DCONSUMER_DIR=<subdir_consumer> -DWORK=<dir>
#       -P subdir_consumer.cmake
# Configures subdir_consumer/ (which add_subdirectory()s the framework and checks at configure
# time that it changed nothing of the parent's), builds only its program, i.e. the core layer,
# with Debian's shared libraries (no Lambda build of the dependencies needed), checks how core
# was compiled, runs the program, and builds its deployment zip.
file(REMOVE_RECURSE "${WORK}")
include(${CMAKE_CURRENT_LIST_DIR}/run.cmake)

# A launcher from the environment would be CMake's doing, not the framework's.
unset(ENV{CMAKE_CXX_COMPILER_LAUNCHER})
# With Debian's shared libraries the zip bundles libstdc++ and libgcc_s, which need a glibc newer
# than provided.al2023's: the packager would rightly refuse it, so the limit is lifted here (the
# zip is only checked to be built; PackageTest.ZipStartsOnAl2023 checks a real one).
run(${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK}" -G Ninja
    "-DAWS_HELPER_SOURCE_DIR=${SOURCE_DIR}" -DAWS_HELPER_DEPS=debian -DAWS_HELPER_GLIBC_MAX=99)
run(${CMAKE_COMMAND} --build "${WORK}" --target subdir_consumer)

find_program(NINJA ninja REQUIRED)
run(${NINJA} -C "${WORK}" -t commands subdir_consumer)
set(commands "${last_output}")
# Each compile starts with the compiler itself: no launcher (ccache) the parent did not ask for.
file(STRINGS "${WORK}/CMakeCache.txt" compiler REGEX "^CMAKE_CXX_COMPILER:")
string(REGEX REPLACE "^[^=]*=" "" compiler "${compiler}")
string(REGEX MATCHALL "[^\n]* -c [^\n]*" compiles "${commands}")
foreach(line IN LISTS compiles)
  string(FIND "${line}" "${compiler} " position)
  if(NOT position EQUAL 0)
    message(FATAL_ERROR "not compiled by ${compiler} directly (a launcher?):\n${line}")
  endif()
endforeach()
if(NOT commands MATCHES "-std=c\\+\\+20 [^\n]*src/core/error\\.cpp")
  message(FATAL_ERROR "the core layer is not compiled with -std=c++20:\n${commands}")
endif()
if(commands MATCHES "src/session/")
  message(FATAL_ERROR "linking aws_helper::core built more than the core layer:\n${commands}")
endif()

run("${WORK}/subdir_consumer")
if(NOT last_output MATCHES "^aws_cpp_helper [0-9.]+ core ok: ValueError\n$")
  message(FATAL_ERROR "unexpected output of subdir_consumer: ${last_output}")
endif()

# aws_helper_package_service() from the parent project: the packager script must be found.
build_zip("${WORK}" subdir_consumer-zip "${WORK}/subdir_consumer.zip")
