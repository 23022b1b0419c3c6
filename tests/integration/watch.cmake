# watch: included from tests/CMakeLists.txt.
# The loop's pure parts (scheduling, message filters, log lines): no root.
add_executable(test-watch unit/test-watch.c)
target_include_directories(test-watch PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(test-watch PRIVATE netconverge_core PkgConfig::CMOCKA)
add_test(NAME unit/watch COMMAND test-watch)

# Against real namespaces (root and ip(8); skipped otherwise), and the
# systemd unit: systemd-analyze verify, its settings, its capabilities.
add_test(NAME integration/watch
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-watch.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
add_test(NAME integration/watch-unit
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-unit.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/watch integration/watch-unit PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
