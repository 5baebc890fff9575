# Shared compile settings and helpers for hullscan modules.

set(HULLSCAN_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false -Wrestrict positives inside std::string at -O2/-O3 (GCC bug 105329).
  list(APPEND HULLSCAN_WARNINGS -Wno-restrict)
endif()
if(HULLSCAN_WERROR)
  list(APPEND HULLSCAN_WARNINGS -Werror)
endif()

if(HULLSCAN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# hullscan_module(NAME SOURCES... DEPS ... PRIVATE_DEPS ...)
# One static library per src/ folder, named hullscan_<name>, alias hullscan::<name>.
# Public headers are included as "<name>/<header>.h" from src/.
function(hullscan_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(hullscan_${name} STATIC ${M_SOURCES})
  add_library(hullscan::${name} ALIAS hullscan_${name})
  target_include_directories(hullscan_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(hullscan_${name} PRIVATE ${HULLSCAN_WARNINGS})
  target_link_libraries(hullscan_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
endfunction()

# hullscan_test(NAME SOURCES... DEPS ...): one GoogleTest binary, tests registered with CTest.
function(hullscan_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${HULLSCAN_WARNINGS})
  target_link_libraries(${name} PRIVATE ${T_DEPS} hullscan::testing GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${T_LABELS}")
endfunction()
