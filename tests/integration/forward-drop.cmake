# Another table's forward chain with policy drop: a warning from diff and
# apply (SPEC 7.4 pre-flight; root, skipped otherwise). Included from
# tests/CMakeLists.txt.
add_test(NAME integration/forward-drop
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-forward-drop.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/forward-drop PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
