# chansan_instrument(<target>): builds <target> with the chansan race
# detector, as `chansan-clang++` does: the pass plugin on every source, the
# csp runtime that reports its synchronization to the detector, and the
# detector runtime (whole-archive: its interceptors must be linked).
#
# In this source tree the targets exist. In another project, set
# CHANSAN_BUILD_DIR to chansan's build directory and include this file:
#   set(CHANSAN_BUILD_DIR /path/to/chansan/build)
#   include(/path/to/chansan/cmake/chansan.cmake)
#   add_executable(prog prog.cpp)
#   chansan_instrument(prog)
get_filename_component(_chansan_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

function(chansan_instrument target)
  if(TARGET ChansanPass)
    set(plugin $<TARGET_FILE:ChansanPass>)
    set(race_rt $<TARGET_FILE:csp_race>)
    set(detector_rt $<TARGET_FILE:chansan_rt>)
    add_dependencies(${target} ChansanPass csp_race chansan_rt)
  else()
    if(NOT CHANSAN_BUILD_DIR)
      message(FATAL_ERROR "chansan_instrument: set CHANSAN_BUILD_DIR to chansan's build directory")
    endif()
    set(plugin ${CHANSAN_BUILD_DIR}/lib/libChansanPass.so)
    set(race_rt ${CHANSAN_BUILD_DIR}/lib/libcsp_race.a)
    set(detector_rt ${CHANSAN_BUILD_DIR}/lib/libchansan_rt.a)
  endif()
  target_include_directories(${target} PRIVATE ${_chansan_root}/rt/include ${_chansan_root}/detector/include)
  # A new pass recompiles the target's sources.
  get_target_property(_srcs ${target} SOURCES)
  if(TARGET ChansanPass)
    set_source_files_properties(${_srcs} PROPERTIES OBJECT_DEPENDS ${CMAKE_BINARY_DIR}/lib/libChansanPass.so)
  endif()
  # Line tables at least: reports need file:line, and the pass tells the csp
  # runtime's inlined code from the user's by debug locations.
  target_compile_options(${target} PRIVATE -fpass-plugin=${plugin}
                         $<$<NOT:$<CONFIG:Debug,RelWithDebInfo>>:-gline-tables-only>)
  target_compile_definitions(${target} PRIVATE __CHANSAN__=1)
  target_link_libraries(${target} PRIVATE ${race_rt} -Wl,--whole-archive ${detector_rt}
                        -Wl,--no-whole-archive -pthread ${CMAKE_DL_LIBS})
endfunction()
