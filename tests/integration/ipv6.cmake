# IPv6 and dual stack with real packets (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/ipv6
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-ipv6.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/ipv6 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
