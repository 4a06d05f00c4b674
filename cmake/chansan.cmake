# chansan_instrument(<target>): builds <target> with the chansan race
# detector, as `chansan-clang++` does: the pass plugin on every source, the
# csp runtime that reports its synchronization to the detector
# (chansan::csp_race), and the detector runtime (chansan::chansan_rt,
# whole-archive: its interceptors of malloc, pthread_create, ... must all be
# linked). Do not also link chansan::csp: that is the plain runtime.
#
# The same file serves this source tree (the targets are built here) and an
# installed chansan (`find_package(chansan)`, chansanConfig.cmake defines
# the imported targets, CHANSAN_PASS_PLUGIN, CHANSAN_INCLUDE_DIRS and
# CHANSAN_LLVM_VERSION first):
#   find_package(chansan REQUIRED)
#   add_executable(prog prog.cpp)
#   chansan_instrument(prog)                             # races reported
#   add_executable(prog_plain prog.cpp)
#   target_link_libraries(prog_plain PRIVATE chansan::csp)  # csp alone
function(chansan_instrument target)
  if(NOT TARGET chansan::csp_race OR NOT TARGET chansan::chansan_rt OR NOT CHANSAN_PASS_PLUGIN)
    message(FATAL_ERROR "chansan_instrument: use find_package(chansan) first")
  endif()
  # The plugin is loaded by the clang it was built for: another compiler
  # would fail on -fpass-plugin with a less helpful message.
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_CXX_COMPILER_VERSION MATCHES "^${CHANSAN_LLVM_VERSION}\\.")
    message(FATAL_ERROR "chansan_instrument(${target}): the chansan pass plugin is built for clang "
                        "${CHANSAN_LLVM_VERSION}; this project compiles with ${CMAKE_CXX_COMPILER_ID} "
                        "${CMAKE_CXX_COMPILER_VERSION} (set CMAKE_CXX_COMPILER=clang++-${CHANSAN_LLVM_VERSION})")
  endif()
  if(TARGET ChansanPass)
    # In chansan's own tree: a new pass recompiles the target's sources.
    add_dependencies(${target} ChansanPass chansan_rt)
    get_target_property(_srcs ${target} SOURCES)
    set_source_files_properties(${_srcs} PROPERTIES OBJECT_DEPENDS ${CHANSAN_PASS_PLUGIN})
  endif()
  # Line tables at least: reports need file:line, and the pass tells the csp
  # runtime's inlined code from the user's by debug locations.
  target_compile_options(${target} PRIVATE -fpass-plugin=${CHANSAN_PASS_PLUGIN}
                         $<$<NOT:$<CONFIG:Debug,RelWithDebInfo>>:-gline-tables-only>)
  target_compile_definitions(${target} PRIVATE __CHANSAN__=1)
  target_include_directories(${target} PRIVATE ${CHANSAN_INCLUDE_DIRS})
  target_link_libraries(${target} PRIVATE chansan::csp_race
                        -Wl,--whole-archive $<TARGET_FILE:chansan::chansan_rt> -Wl,--no-whole-archive
                        -pthread ${CMAKE_DL_LIBS})
endfunction()
