# Owned tables (the mark, destroy, conflict, takeover, rename) against the
# real kernel, checked with nft (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/table
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-table.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/table PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
