# Shared by the consumer scripts (consumer.cmake, subdir_consumer.cmake), run with cmake -P.

# run(<command> <args>...): runs it, stops the script with its output when it fails, and leaves
# its standard output in `last_output`.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${ARGN} failed (${result}):\n${out}${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

# build_zip(<build dir> <target> <zip>): builds a service's deployment zip target and checks the
# zip was written.
function(build_zip dir target zip)
  run(${CMAKE_COMMAND} --build "${dir}" --target "${target}")
  if(NOT EXISTS "${zip}")
    message(FATAL_ERROR "the ${target} target wrote no ${zip}")
  endif()
endfunction()
