# cmake -DBOOTSTRAP=<path> -DOUTPUT=<zip> [-DGLIBC_MAX=2.34] -P AwsHelperPackage.cmake
#
# Builds a provided.al2023 deployment zip: the service executable as `bootstrap` at the root,
# stripped, and in lib/ every shared library it needs beyond glibc's own (none in the Lambda
# build, which links everything else statically). Each bundled library gets RUNPATH $ORIGIN,
# and `bootstrap` $ORIGIN/lib, so every one of them resolves its own dependencies inside the
# zip rather than in the host's /lib.
#
# The zip is refused when any file in it needs a glibc symbol newer than GLIBC_MAX (2.34, the
# glibc of Amazon Linux 2023): such a function would fail at its first start with
# "version `GLIBC_2.36' not found". The message names the files, versions and symbols.
if(NOT BOOTSTRAP OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DBOOTSTRAP=<path> -DOUTPUT=<zip> [-DGLIBC_MAX=2.34] -P AwsHelperPackage.cmake")
endif()
if(NOT GLIBC_MAX)
  set(GLIBC_MAX 2.34)
endif()
find_program(ZIP zip REQUIRED)
find_program(OBJDUMP objdump REQUIRED)
find_program(PATCHELF patchelf)
find_program(STRIP strip)

# glibc's own libraries: the system provides them, and two C libraries must not meet in one
# process.
set(glibc_libraries "ld-linux[^/]*" "libc\\.so[.0-9]*" "libm\\.so[.0-9]*" "libpthread\\.so[.0-9]*"
                    "libdl\\.so[.0-9]*" "librt\\.so[.0-9]*" "libresolv\\.so[.0-9]*"
                    "libutil\\.so[.0-9]*" "libanl\\.so[.0-9]*")
set(exclude "")
foreach(name IN LISTS glibc_libraries)
  list(APPEND exclude "/${name}$")
endforeach()

get_filename_component(out_dir "${OUTPUT}" DIRECTORY)
set(stage "${out_dir}/.package-stage")
file(REMOVE_RECURSE "${stage}")
file(MAKE_DIRECTORY "${stage}")

file(GET_RUNTIME_DEPENDENCIES
     EXECUTABLES "${BOOTSTRAP}"
     RESOLVED_DEPENDENCIES_VAR libs
     UNRESOLVED_DEPENDENCIES_VAR missing
     POST_EXCLUDE_REGEXES ${exclude})
if(missing)
  message(FATAL_ERROR "Unresolved shared libraries: ${missing}")
endif()
file(COPY "${BOOTSTRAP}" DESTINATION "${stage}")
get_filename_component(exe_name "${BOOTSTRAP}" NAME)
if(NOT exe_name STREQUAL "bootstrap")
  file(RENAME "${stage}/${exe_name}" "${stage}/bootstrap")
endif()
set(elf_files "${stage}/bootstrap")
foreach(lib IN LISTS libs)
  file(COPY "${lib}" DESTINATION "${stage}/lib" FOLLOW_SYMLINK_CHAIN)
  get_filename_component(lib_name "${lib}" NAME)
  list(APPEND elf_files "${stage}/lib/${lib_name}")
endforeach()

if(STRIP)
  # Debug information stays in the build tree; the deployment package does not need it.
  foreach(file IN LISTS elf_files)
    execute_process(COMMAND ${STRIP} --strip-unneeded "${file}" COMMAND_ERROR_IS_FATAL ANY)
  endforeach()
endif()
if(libs)
  if(NOT PATCHELF)
    message(FATAL_ERROR "patchelf is needed to make the bundled libraries find each other in lib/")
  endif()
  execute_process(COMMAND ${PATCHELF} --set-rpath "$ORIGIN/lib" "${stage}/bootstrap"
                  COMMAND_ERROR_IS_FATAL ANY)
  foreach(file IN LISTS elf_files)
    if(NOT file STREQUAL "${stage}/bootstrap")
      execute_process(COMMAND ${PATCHELF} --set-rpath "$ORIGIN" "${file}" COMMAND_ERROR_IS_FATAL ANY)
    endif()
  endforeach()
endif()

# The newest glibc symbol version each file asks the system for.
set(too_new "")
foreach(file IN LISTS elf_files)
  execute_process(COMMAND ${OBJDUMP} -T "${file}" OUTPUT_VARIABLE symbols COMMAND_ERROR_IS_FATAL ANY)
  string(REGEX MATCHALL "\\*UND\\*[^\n]*\\(GLIBC_[0-9.]+\\)[ \t]+[^\n]+" imports "${symbols}")
  set(offending "")
  foreach(line IN LISTS imports)
    string(REGEX MATCH "\\(GLIBC_([0-9.]+)\\)[ \t]+(.+)$" _ "${line}")
    if(CMAKE_MATCH_1 VERSION_GREATER GLIBC_MAX)
      list(APPEND offending "${CMAKE_MATCH_2} (GLIBC_${CMAKE_MATCH_1})")
    endif()
  endforeach()
  if(offending)
    file(RELATIVE_PATH shown "${stage}" "${file}")
    list(JOIN offending ", " offending)
    string(APPEND too_new "\n  ${shown}: ${offending}")
  endif()
endforeach()
if(too_new)
  file(REMOVE_RECURSE "${stage}")
  message(FATAL_ERROR
    "aws_helper: the deployment zip would not start on provided.al2023 (glibc ${GLIBC_MAX}); "
    "these files need newer glibc symbols:${too_new}\n"
    "Build the framework with AWS_HELPER_DEPS=lambda (the default), which links everything "
    "but glibc statically (docs/packaging.md).")
endif()

file(REMOVE "${OUTPUT}")
set(entries bootstrap)
if(libs)
  list(APPEND entries lib)
endif()
execute_process(COMMAND ${ZIP} -q -9 -r -y -X "${OUTPUT}" ${entries} WORKING_DIRECTORY "${stage}"
                COMMAND_ERROR_IS_FATAL ANY)
file(REMOVE_RECURSE "${stage}")
file(SIZE "${OUTPUT}" zip_size)
math(EXPR zip_kib "${zip_size} / 1024")
message(STATUS "Wrote ${OUTPUT} (${zip_kib} KiB)")
