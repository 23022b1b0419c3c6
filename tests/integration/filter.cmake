# SPEC 7.2's filter and internal bridges with real packets (root; skipped
# otherwise). Included from tests/CMakeLists.txt.
add_test(NAME integration/filter
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-filter.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/filter PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
