# SPEC 7.2's data plane with real packets: hairpin, localhost, the
# 127.0.0.0/8 guard (root; skipped otherwise). Included from tests/CMakeLists.txt.
add_test(NAME integration/dataplane
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-dataplane.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/dataplane PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
