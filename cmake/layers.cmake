# SPDX-License-Identifier: Apache-2.0
# The layers of DESIGN §2 as CMake OBJECT libraries. Each layer compiles against an include
# "view" that holds only its own folder, the folders below it and the public headers of those
# layers, so an #include that points up a layer fails to compile. scripts/check-layers lists
# such includes from the sources alone.

# Layers, bottom up, and the public headers each one owns (include/civicplan/<name>.hpp).
set(CIVICPLAN_LAYERS base model io store facts expr engines workspace)
set(CIVICPLAN_LAYER_HEADERS_base export error money date shared_map)
set(CIVICPLAN_LAYER_HEADERS_model registry taxonomy plan records user revision model)
set(CIVICPLAN_LAYER_HEADERS_io bundle opendata execution)
set(CIVICPLAN_LAYER_HEADERS_store)
set(CIVICPLAN_LAYER_HEADERS_facts)
set(CIVICPLAN_LAYER_HEADERS_expr expression explain)
set(CIVICPLAN_LAYER_HEADERS_engines indicator certification practices lifecycle chart)
set(CIVICPLAN_LAYER_HEADERS_workspace workspace cases civicplan)

set(CIVICPLAN_LAYER_VIEWS ${PROJECT_BINARY_DIR}/layers)

# Builds the include view of every layer: <view>/<layer>/ links the private folders and
# <view>/<layer>/civicplan/ links the public headers of that layer and the ones below.
function(civicplan_make_layer_views)
  # Every public header belongs to exactly one layer.
  file(GLOB headers RELATIVE ${PROJECT_SOURCE_DIR}/include/civicplan
       ${PROJECT_SOURCE_DIR}/include/civicplan/*.hpp)
  foreach(file IN LISTS headers)
    string(REGEX REPLACE "\\.hpp$" "" header ${file})
    set(owners)
    foreach(layer IN LISTS CIVICPLAN_LAYERS)
      if(header IN_LIST CIVICPLAN_LAYER_HEADERS_${layer})
        list(APPEND owners ${layer})
      endif()
    endforeach()
    list(LENGTH owners count)
    if(NOT count EQUAL 1)
      message(FATAL_ERROR "include/civicplan/${file} must belong to exactly one layer in "
                          "cmake/layers.cmake (it belongs to: ${owners})")
    endif()
  endforeach()
  set(below)
  foreach(layer IN LISTS CIVICPLAN_LAYERS)
    list(APPEND below ${layer})
    set(view ${CIVICPLAN_LAYER_VIEWS}/${layer})
    file(REMOVE_RECURSE ${view})
    file(MAKE_DIRECTORY ${view}/civicplan)
    foreach(lower IN LISTS below)
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${lower} ${view}/${lower} SYMBOLIC)
      foreach(header IN LISTS CIVICPLAN_LAYER_HEADERS_${lower})
        file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/civicplan/${header}.hpp
             ${view}/civicplan/${header}.hpp SYMBOLIC)
      endforeach()
    endforeach()
    # version.hpp (base) is generated into the build tree.
    file(CREATE_LINK ${PROJECT_BINARY_DIR}/include/civicplan/version.hpp
         ${view}/civicplan/version.hpp SYMBOLIC)
  endforeach()
endfunction()

# civicplan_layer(<layer> SOURCES <files>... [DEPENDS <targets>...]): the OBJECT library
# civicplan_<layer>, compiled against its view and linked PRIVATE into civicplan. DEPENDS names
# the third-party targets whose headers the layer uses (their libraries are linked by civicplan).
function(civicplan_layer layer)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPENDS")
  set(target civicplan_${layer})
  add_library(${target} OBJECT ${arg_SOURCES})
  target_include_directories(${target} PRIVATE ${CIVICPLAN_LAYER_VIEWS}/${layer})
  target_compile_definitions(${target} PRIVATE CIVICPLAN_BUILDING)
  # The objects go into the static and the shared library alike, so CIVICPLAN_API marks the
  # exported symbols in both (only Windows' dllexport must be left out of a static library).
  if(WIN32 AND NOT BUILD_SHARED_LIBS)
    target_compile_definitions(${target} PRIVATE CIVICPLAN_STATIC)
  endif()
  target_compile_features(${target} PRIVATE cxx_std_17)
  target_link_libraries(${target} PRIVATE nlohmann_json::nlohmann_json ${arg_DEPENDS})
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  endif()
  target_link_libraries(civicplan PRIVATE $<BUILD_INTERFACE:${target}>)
  if(TARGET civicplan_shared)
    target_link_libraries(civicplan_shared PRIVATE $<BUILD_INTERFACE:${target}>)
  endif()
endfunction()

# civicplan_exports(<target>): a shared library exports the C API (cp_*) and the C++ API
# (civicplan::*, with its vtables and type information) and nothing else: the version script
# cmake/civicplan.map hides everything else, including what static dependencies bring in.
function(civicplan_exports target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE AND NOT WIN32)
    target_link_options(${target} PRIVATE
      "LINKER:--version-script=${PROJECT_SOURCE_DIR}/cmake/civicplan.map" "LINKER:--exclude-libs,ALL"
      "LINKER:--no-undefined")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/civicplan.map)
  endif()
endfunction()
