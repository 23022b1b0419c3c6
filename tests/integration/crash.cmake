# Crash injection over every kernel request of apply, destroy and prune
# (root; needs the -DNC_FAULT=ON tree's netconverge-fault, skipped
# otherwise). The small file with every step kind; bench/crash-sweep.sh
# runs the same sweep over 40 containers.
if(TARGET netconverge-fault)
  set(NC_CRASH_BIN $<TARGET_FILE:netconverge-fault>)
else()
  set(NC_CRASH_BIN none)
endif()
add_test(NAME integration/crash
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-crash.sh ${NC_CRASH_BIN} ${PROJECT_SOURCE_DIR} small)
set_tests_properties(integration/crash PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
