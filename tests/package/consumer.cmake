# cmake -DBUILD_DIR=<framework build> -DDEMO_DIR=<examples/demo> -DWORK=<dir> -P consumer.cmake
file(REMOVE_RECURSE "${WORK}")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${ARGN} failed (${result}):\n${out}${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK}/prefix")
run(${CMAKE_COMMAND} -S "${DEMO_DIR}" -B "${WORK}/demo" -G Ninja
    "-DCMAKE_PREFIX_PATH=${WORK}/prefix")
run(${CMAKE_COMMAND} --build "${WORK}/demo")
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

# The deployment zip: bootstrap at the root, its libraries in lib/, runnable with a bare env.
run(${CMAKE_COMMAND} --build "${WORK}/demo" --target demo-zip)
file(ARCHIVE_EXTRACT INPUT "${WORK}/demo/demo.zip" DESTINATION "${WORK}/unzipped")
if(NOT EXISTS "${WORK}/unzipped/bootstrap" OR NOT IS_DIRECTORY "${WORK}/unzipped/lib")
  message(FATAL_ERROR "demo.zip lacks bootstrap or lib/")
endif()
run(env -i "${WORK}/unzipped/bootstrap" handlers)
if(NOT last_output MATCHES "lambda:generate-route")
  message(FATAL_ERROR "the unzipped bootstrap does not run: ${last_output}")
endif()
file(REMOVE_RECURSE "${WORK}")
