# show -o dot: the renderer on file models and a hostile one (no root), and
# show -o dot after a real apply in throwaway namespaces (root; skipped
# otherwise). Both need graphviz's dot (scripts/install-deps.sh test).
add_executable(render-dot dot/render-dot.c)
target_include_directories(render-dot PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(render-dot PRIVATE netconverge_core)
add_test(NAME dot/render
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/dot/test-dot.sh $<TARGET_FILE:render-dot>
                 $<TARGET_FILE:netconverge> ${PROJECT_SOURCE_DIR})
add_test(NAME integration/dot
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/dot/test-dot-apply.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR} $<TARGET_FILE:render-dot>)
set_tests_properties(integration/dot PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
