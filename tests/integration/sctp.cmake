# SCTP published ports: the DNAT rule as nft reads it, observation in sync,
# and an SCTP packet translated (root; skipped otherwise).
add_test(NAME integration/sctp
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-sctp.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/sctp PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
