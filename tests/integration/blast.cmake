# Blast radius (SPEC 7.6, 7.7): a container's problem is that container's
# alone, and the host namespace is never a container (root; skipped
# otherwise). Included from tests/CMakeLists.txt.
add_test(NAME integration/blast
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-blast.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/blast PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
