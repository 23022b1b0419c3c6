# SPEC 7.2's icc: false with real packets (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/icc
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-icc.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/icc PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
