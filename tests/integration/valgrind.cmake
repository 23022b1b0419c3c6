# The CLI under valgrind's memcheck against real namespaces (root, ip(8)
# and valgrind; skipped otherwise). Not in the sanitizer tree: valgrind
# cannot run an AddressSanitizer binary, and ASan covers that tree.
# Included from tests/CMakeLists.txt.
if(NOT NC_SANITIZE)
  add_test(NAME integration/valgrind
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-valgrind.sh $<TARGET_FILE:netconverge>
                   ${PROJECT_SOURCE_DIR})
  set_tests_properties(integration/valgrind PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
