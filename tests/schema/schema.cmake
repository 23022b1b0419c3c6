# The file's JSON Schema: generated from the parser's key tables and
# compared with docs/netconverge.schema.json (UPDATE_GOLDEN=1 rewrites it),
# then every example and good file must validate and the schema-level bad
# files must not.
add_executable(gen-schema schema/gen-schema.c)
target_link_libraries(gen-schema PRIVATE netconverge_core)
add_test(NAME schema/generated
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/schema/check-generated.sh $<TARGET_FILE:gen-schema>
                 ${PROJECT_SOURCE_DIR}/docs/netconverge.schema.json)
add_test(NAME schema/validate
         COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/schema/test-schema.py ${PROJECT_SOURCE_DIR})
# The tables' fixed defaults are the parser's.
add_executable(test-schema-defaults schema/test-defaults.c)
target_link_libraries(test-schema-defaults PRIVATE netconverge_core PkgConfig::CMOCKA)
add_test(NAME schema/defaults COMMAND test-schema-defaults)
