# Pre-flight conflicts against real namespaces (root and ip(8); skipped
# otherwise). Included from tests/CMakeLists.txt.
add_test(NAME integration/preflight
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-preflight.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/preflight PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
