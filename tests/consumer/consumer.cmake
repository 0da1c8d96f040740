# SPDX-License-Identifier: Apache-2.0
# ctest tests that build tests/consumer against an installed civicplan, static and shared.
# Included from tests/CMakeLists.txt.
if(NOT CIVICPLAN_INSTALL)
  return()
endif()

# Where consumer_shared builds its shared library. Kept between runs so that a re-run only
# rebuilds what changed; with a compiler cache, a directory as deep below the sources as this
# build tree gets this tree's objects from the cache.
set(CIVICPLAN_CONSUMER_LIB_DIR "${PROJECT_BINARY_DIR}/consumer-shared/lib" CACHE PATH
    "Build directory of the shared library that the consumer_shared test builds")
string(TOUPPER "${CMAKE_BUILD_TYPE}" _civicplan_config)
set(_civicplan_consumer_args
  -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
  -DLIB_BUILD_DIR=${CIVICPLAN_CONSUMER_LIB_DIR}
  "-DCXX_FLAGS=${CMAKE_CXX_FLAGS_${_civicplan_config}}"
  "-DC_FLAGS=${CMAKE_C_FLAGS_${_civicplan_config}}"
  "-DCOMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}"
  -DBINARY_DIR=${PROJECT_BINARY_DIR}
  -DVERSION=${PROJECT_VERSION}
  "-DGENERATOR=${CMAKE_GENERATOR}"
  -DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}
  -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
  -DCONFIG=$<CONFIG>
  -DJOBS=2)

add_test(NAME consumer_static
  COMMAND ${CMAKE_COMMAND} ${_civicplan_consumer_args} -DMODE=static
          -DWORK_DIR=${PROJECT_BINARY_DIR}/consumer-static
          -P ${CMAKE_CURRENT_LIST_DIR}/run.cmake)
set(_civicplan_consumer_python)
if(CIVICPLAN_BUILD_PYTHON AND Python_EXECUTABLE)
  set(_civicplan_consumer_python -DPYTHON_EXECUTABLE=${Python_EXECUTABLE})
endif()
add_test(NAME consumer_shared
  COMMAND ${CMAKE_COMMAND} ${_civicplan_consumer_args} ${_civicplan_consumer_python} -DMODE=shared
          -DWORK_DIR=${PROJECT_BINARY_DIR}/consumer-shared
          -P ${CMAKE_CURRENT_LIST_DIR}/run.cmake)
set_tests_properties(consumer_static consumer_shared PROPERTIES
  LABELS consumer TIMEOUT 1800)
unset(_civicplan_consumer_args)
unset(_civicplan_config)
unset(_civicplan_consumer_python)
