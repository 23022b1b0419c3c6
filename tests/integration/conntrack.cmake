# Connection tracking entries of old translations deleted by apply (SPEC
# 7.2): real UDP flows moved between containers (root; skipped otherwise).
# Included from tests/CMakeLists.txt.
add_test(NAME integration/conntrack
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-conntrack.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/conntrack PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180)
