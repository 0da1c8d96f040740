# SPDX-License-Identifier: Apache-2.0
# ctest tests that build tests/consumer against an installed civicplan, static and shared.
# Included from tests/CMakeLists.txt.
if(NOT CIVICPLAN_INSTALL)
  return()
endif()

set(_civicplan_consumer_args
  -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
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
unset(_civicplan_consumer_python)
