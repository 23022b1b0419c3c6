# Connection tracking entries of old translations deleted by apply (SPEC
# 7.2): real UDP flows moved between containers (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/conntrack
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-conntrack.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/conntrack PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180)

# Its pure half, no kernel: which entries a plan's changes delete, and the
# decoding of ctnetlink's dump messages (here, not in tests/CMakeLists.txt,
# so that the feature's tests are one file to include).
add_executable(test-conntrack ${CMAKE_CURRENT_SOURCE_DIR}/unit/test-conntrack.c)
target_include_directories(test-conntrack PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(test-conntrack PRIVATE netconverge_core PkgConfig::CMOCKA)
add_test(NAME unit/conntrack COMMAND test-conntrack)
