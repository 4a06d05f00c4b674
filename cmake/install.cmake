# `cmake --install build --prefix P` (plain tree only):
#   P/bin      chansan-clang++, chansan-clang, chansan-explore, chansan-report
#   P/include  csp/, chansan/ (testing.hpp, catch2_listener.hpp), chansan_interface.h
#   P/lib      libcsp.a, libcsp_race.a, libcsp_tsan.a, libchansan_rt.a, libChansanPass.so
#   P/lib/cmake/chansan   the package: find_package(chansan) gives chansan::csp
#                         and chansan_instrument(target)
# Fixed directory names (not GNUInstallDirs' multiarch lib/): the drivers
# and the package find everything relative to the prefix.
include(CMakePackageConfigHelpers)
install(TARGETS csp csp_race csp_tsan chansan_rt ARCHIVE DESTINATION lib)
install(TARGETS ChansanPass LIBRARY DESTINATION lib)
install(TARGETS chansan-explore RUNTIME DESTINATION bin)
install(PROGRAMS ${CMAKE_BINARY_DIR}/bin/chansan-report DESTINATION bin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/rt/include/ ${CMAKE_SOURCE_DIR}/detector/include/ DESTINATION include)
configure_file(${CMAKE_SOURCE_DIR}/cmake/chansanConfig.cmake.in ${CMAKE_BINARY_DIR}/cmake/chansanConfig.cmake @ONLY)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/chansanConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/chansanConfig.cmake ${CMAKE_BINARY_DIR}/cmake/chansanConfigVersion.cmake
              ${CMAKE_SOURCE_DIR}/cmake/chansan.cmake
        DESTINATION lib/cmake/chansan)
