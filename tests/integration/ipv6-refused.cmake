# A file using IPv6 is refused by diff, apply and watch, and changes nothing
# (root; skipped otherwise). Included from tests/CMakeLists.txt.
add_test(NAME integration/ipv6-refused
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-ipv6-refused.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/ipv6-refused PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
