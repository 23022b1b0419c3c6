# VXLAN bridges across three "hosts" on an IPv6 underlay (issue 16).
add_test(NAME integration/vxlan6
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-vxlan6.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/vxlan6 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
