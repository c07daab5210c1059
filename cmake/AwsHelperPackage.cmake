# cmake -DBOOTSTRAP=<path> -DOUTPUT=<zip> -P AwsHelperPackage.cmake
#
# Builds a provided.al2023 deployment zip: the service executable as `bootstrap` at the root,
# and in lib/ every shared library it needs except those of glibc, which Amazon Linux 2023
# provides (bundling them would mix two C libraries in one process). `bootstrap` finds lib/
# through its RUNPATH ($ORIGIN/lib), which is set when the zip is made.
if(NOT BOOTSTRAP OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DBOOTSTRAP=<path> -DOUTPUT=<zip> -P AwsHelperPackage.cmake")
endif()
find_program(ZIP zip REQUIRED)
find_program(PATCHELF patchelf)
find_program(STRIP strip)

get_filename_component(out_dir "${OUTPUT}" DIRECTORY)
set(stage "${out_dir}/.package-stage")
file(REMOVE_RECURSE "${stage}")
file(MAKE_DIRECTORY "${stage}/lib")

file(GET_RUNTIME_DEPENDENCIES
     EXECUTABLES "${BOOTSTRAP}"
     RESOLVED_DEPENDENCIES_VAR libs
     UNRESOLVED_DEPENDENCIES_VAR missing
     POST_EXCLUDE_REGEXES "/ld-linux[^/]*$" "/libc\\.so" "/libm\\.so" "/libpthread\\.so"
                          "/libdl\\.so" "/librt\\.so" "/libresolv\\.so")
if(missing)
  message(FATAL_ERROR "Unresolved shared libraries: ${missing}")
endif()
foreach(lib IN LISTS libs)
  file(COPY "${lib}" DESTINATION "${stage}/lib" FOLLOW_SYMLINK_CHAIN)
endforeach()
file(COPY "${BOOTSTRAP}" DESTINATION "${stage}")
get_filename_component(exe_name "${BOOTSTRAP}" NAME)
if(NOT exe_name STREQUAL "bootstrap")
  file(RENAME "${stage}/${exe_name}" "${stage}/bootstrap")
endif()
if(STRIP)
  # Debug information stays in the build tree; the deployment package does not need it.
  execute_process(COMMAND ${STRIP} --strip-unneeded "${stage}/bootstrap" COMMAND_ERROR_IS_FATAL ANY)
endif()
if(PATCHELF)
  execute_process(COMMAND ${PATCHELF} --set-rpath "$ORIGIN/lib" "${stage}/bootstrap"
                  COMMAND_ERROR_IS_FATAL ANY)
else()
  message(WARNING "patchelf not found: set LD_LIBRARY_PATH=/var/task/lib in the function")
endif()
file(REMOVE "${OUTPUT}")
execute_process(COMMAND ${ZIP} -q -r -y "${OUTPUT}" bootstrap lib WORKING_DIRECTORY "${stage}"
                COMMAND_ERROR_IS_FATAL ANY)
file(REMOVE_RECURSE "${stage}")
message(STATUS "Wrote ${OUTPUT}")
