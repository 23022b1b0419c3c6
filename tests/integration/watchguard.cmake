# A running watch advertises itself; apply and destroy of another file refuse
# to fight it (--force to go on); a full resync after the monitor overruns;
# the watch's own -n namespace deleted under it (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/watchguard
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-watchguard.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/watchguard PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240)
