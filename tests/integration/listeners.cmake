# A published port a host process already listens on is a pre-flight
# warning (issue 14 item 6; root, skipped otherwise). Included from
# tests/CMakeLists.txt.
add_test(NAME integration/listeners
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-listeners.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/listeners PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
