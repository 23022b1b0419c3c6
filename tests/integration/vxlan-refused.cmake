# A file using VXLAN is refused by diff, apply and watch, and changes nothing
# (root; skipped otherwise). Included from tests/CMakeLists.txt.
add_test(NAME integration/vxlan-refused
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-vxlan-refused.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/vxlan-refused PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
