# SPDX-License-Identifier: Apache-2.0
# Installs civicplan into a fresh prefix, then builds and runs the consumer project against it.
#
# cmake -DMODE=static|shared -DSOURCE_DIR=... -DBINARY_DIR=... -DWORK_DIR=... -DVERSION=...
#       -DGENERATOR=... [-DMAKE_PROGRAM=...] -DCXX_COMPILER=... [-DCONFIG=...] [-DJOBS=2]
#       [-DPYTHON_EXECUTABLE=...] [-DLIB_BUILD_DIR=...] [-DCXX_FLAGS=...] [-DC_FLAGS=...]
#       [-DCOMPILER_LAUNCHER=...]
#       -P run.cmake
#   static: installs the already built tree BINARY_DIR.
#   shared: configures, builds and installs a shared library from SOURCE_DIR in LIB_BUILD_DIR
#           (default WORK_DIR/lib) with the build type's flags CXX_FLAGS and C_FLAGS and the
#           compiler launcher of the calling tree (and, given PYTHON_EXECUTABLE, the Python
#           module against it, which it then imports).
cmake_minimum_required(VERSION 3.18)

foreach(var MODE SOURCE_DIR BINARY_DIR WORK_DIR VERSION GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT CONFIG)
  set(CONFIG RelWithDebInfo)
endif()
if(NOT JOBS)
  set(JOBS 2)
endif()

set(generator_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
if(MAKE_PROGRAM)
  list(APPEND generator_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()

function(run)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "$ ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${shown}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${prefix} ${WORK_DIR}/consumer)
file(MAKE_DIRECTORY ${WORK_DIR})

if(MODE STREQUAL "static")
  run(${CMAKE_COMMAND} --install ${BINARY_DIR} --config ${CONFIG} --prefix ${prefix})
  set(library_glob ${prefix}/lib*/libcivicplan.a)
elseif(MODE STREQUAL "shared")
  # With PYTHON_EXECUTABLE, the Python module is built against the shared library too.
  set(python_module OFF)
  set(python_args)
  if(PYTHON_EXECUTABLE)
    set(python_module ON)
    set(python_args -DPython_EXECUTABLE=${PYTHON_EXECUTABLE})
  endif()
  # Kept between runs so that a re-run only rebuilds what changed.
  set(lib_build ${WORK_DIR}/lib)
  if(LIB_BUILD_DIR)
    set(lib_build ${LIB_BUILD_DIR})
  endif()
  # The calling tree's flags, so that a compiler cache finds the objects it compiled already.
  string(TOUPPER "${CONFIG}" config_upper)
  set(flag_args)
  if(CXX_FLAGS)
    list(APPEND flag_args "-DCMAKE_CXX_FLAGS_${config_upper}=${CXX_FLAGS}")
  endif()
  if(C_FLAGS)
    list(APPEND flag_args "-DCMAKE_C_FLAGS_${config_upper}=${C_FLAGS}")
  endif()
  if(COMPILER_LAUNCHER)
    list(APPEND flag_args -DCMAKE_CXX_COMPILER_LAUNCHER=${COMPILER_LAUNCHER}
         -DCMAKE_C_COMPILER_LAUNCHER=${COMPILER_LAUNCHER})
  endif()
  run(${CMAKE_COMMAND} ${generator_args} -S ${SOURCE_DIR} -B ${lib_build} ${flag_args}
      -DCMAKE_BUILD_TYPE=${CONFIG} -DBUILD_SHARED_LIBS=ON
      -DCIVICPLAN_BUILD_TESTS=OFF -DCIVICPLAN_BUILD_PYTHON=${python_module}
      -DCIVICPLAN_BUILD_EXAMPLES=OFF -DCIVICPLAN_BUILD_BENCHMARKS=OFF
      -DCIVICPLAN_INSTALL=ON ${python_args})
  run(${CMAKE_COMMAND} --build ${lib_build} --config ${CONFIG} -j ${JOBS})
  run(${CMAKE_COMMAND} --install ${lib_build} --config ${CONFIG} --prefix ${prefix})
  if(python_module)
    # The Python module linked against libcivicplan.so: it loads, and the exported value
    # types' out-of-line members (AuditEntry, PlanProgress) resolve.
    run(${CMAKE_COMMAND} -E env PYTHONPATH=${lib_build}/python ${PYTHON_EXECUTABLE}
        ${CMAKE_CURRENT_LIST_DIR}/python_module.py ${SOURCE_DIR}/examples/data/family.json)
  endif()
  set(library_glob ${prefix}/lib*/libcivicplan.so)
else()
  message(FATAL_ERROR "run.cmake: MODE must be static or shared, not '${MODE}'")
endif()

file(GLOB library ${library_glob})
if(NOT library)
  message(FATAL_ERROR "no ${library_glob} was installed")
endif()
file(GLOB_RECURSE config_files ${prefix}/civicplanConfigVersion.cmake)
if(NOT config_files)
  message(FATAL_ERROR "no civicplanConfigVersion.cmake was installed under ${prefix}")
endif()

set(consumer_build ${WORK_DIR}/consumer)
run(${CMAKE_COMMAND} ${generator_args} -S ${CMAKE_CURRENT_LIST_DIR} -B ${consumer_build}
    -DCMAKE_BUILD_TYPE=${CONFIG} -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
    -DCIVICPLAN_EXPECTED_VERSION=${VERSION})
run(${CMAKE_COMMAND} --build ${consumer_build} --config ${CONFIG} -j ${JOBS})

find_program(consumer civicplan_consumer PATHS ${consumer_build} ${consumer_build}/${CONFIG}
             NO_DEFAULT_PATH REQUIRED)
run(${consumer} ${WORK_DIR})
message(STATUS "civicplan ${MODE} library: find_package consumer built and ran")
