# cmake -DBUILD_DIR=<framework build> -DDEMO_DIR=<examples/demo> -DWORK=<dir> -P consumer.cmake
# The demo is configured with no build type, as a user's first CMakeLists would be: the
# bootstrap must still come out optimised (checked below from its compile commands).
file(REMOVE_RECURSE "${WORK}")
include(${CMAKE_CURRENT_LIST_DIR}/run.cmake)

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK}/prefix")
run(${CMAKE_COMMAND} -S "${DEMO_DIR}" -B "${WORK}/demo" -G Ninja
    "-DCMAKE_PREFIX_PATH=${WORK}/prefix")
run(${CMAKE_COMMAND} --build "${WORK}/demo")
find_program(NINJA ninja REQUIRED)
run(${NINJA} -C "${WORK}/demo" -t commands demo)
if(NOT last_output MATCHES "generate-route[^\n]* -O2 " AND NOT last_output MATCHES " -O2 [^\n]*generate-route")
  message(FATAL_ERROR "the demo's handlers are not compiled with -O2 when no build type is set")
endif()
run("${WORK}/demo/demo/bootstrap" handlers)
if(NOT last_output MATCHES "lambda:generate-route")
  message(FATAL_ERROR "the installed-package demo does not list lambda:generate-route:\n${last_output}")
endif()
# Without a session the Lambda answers with the seed's error envelope: the binary runs, no
# database needed.
file(WRITE "${WORK}/event.json" "{\"data\":{\"shipping_id\":\"65f1a2b3c4d5e6f7a8b9c0d1\"}}")
run("${WORK}/demo/demo/bootstrap" invoke lambda:generate-route --event "${WORK}/event.json")
if(NOT last_output MATCHES "\"error\":\"'session' with 'state' is required in the event\"")
  message(FATAL_ERROR "unexpected reply: ${last_output}")
endif()

# The deployment zip: built here, checked by zip_test.py (PackageTest.ZipStartsOnAl2023).
build_zip("${WORK}/demo" demo-zip "${WORK}/demo/demo.zip")
