# Published ports as nftables map elements at scale (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/maps
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-maps.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/maps PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
