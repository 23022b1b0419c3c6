# The IPv6 rules of the owned table in the kernel: built as nft builds them,
# decoded back to the same rules (root; skipped otherwise).
add_test(NAME integration/nft6
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-nft6.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/nft6 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
