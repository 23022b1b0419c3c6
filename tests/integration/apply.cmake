# Apply against real namespaces (root and ip(8); skipped otherwise).
# Included from tests/CMakeLists.txt.
add_executable(apply-failures integration/apply-failures.c)
target_link_libraries(apply-failures PRIVATE netconverge_core)

# A developer's probe (not a test): load, observe, plan, apply, with times.
add_executable(apply-probe integration/apply-probe.c)
target_link_libraries(apply-probe PRIVATE netconverge_core)

add_test(NAME integration/apply
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-apply.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
add_test(NAME integration/apply-failures
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-apply-failures.sh $<TARGET_FILE:apply-failures>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/apply integration/apply-failures PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
