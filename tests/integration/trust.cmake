# SPEC 7.6: apply and watch refuse a file others could change, validate and
# diff warn; the run lock cannot be redirected (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/trust
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-trust.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/trust PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240)
