# NAT, publishing and isolation with real packets (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/nat
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-nat.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/nat PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

# Forwarding only once the batch with the isolation rules is in.
add_test(NAME integration/forward-gate
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-forward-gate.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/forward-gate PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
