# VXLAN bridges across three "hosts" (namespaces on one underlay bridge).
add_test(NAME integration/vxlan
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-vxlan.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/vxlan PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
