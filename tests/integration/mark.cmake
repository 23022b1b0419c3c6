# Crash states made by hand (links in netconverge's group without their
# alias, a half-made /run/netns entry, a copied alias): one apply finishes
# them. Root and ip(8); skipped otherwise. Included from tests/CMakeLists.txt.
add_test(NAME integration/mark
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-mark.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/mark PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
