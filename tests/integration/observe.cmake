# Observation against real namespaces (root and ip(8); skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/observe
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-observe.sh $<TARGET_FILE:netconverge>)
set_tests_properties(integration/observe PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
