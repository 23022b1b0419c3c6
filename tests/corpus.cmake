# The validation corpus: one test per file under bad/ and good/, included
# from tests/CMakeLists.txt. A bad/NAME.yaml must be rejected with exactly
# the diagnostics in bad/NAME.expected; a good/NAME.yaml must be accepted,
# with `netconverge -v validate` printing exactly good/NAME.expected. See
# check-validate.sh for what is compared.
#
# CONFIGURE_DEPENDS re-globs at build time, so a new case is picked up
# without re-running cmake by hand.

find_program(NC_BASH bash REQUIRED)

foreach(nc_mode bad good)
  file(GLOB nc_corpus_files CONFIGURE_DEPENDS
       "${CMAKE_CURRENT_SOURCE_DIR}/${nc_mode}/*.yaml")
  list(SORT nc_corpus_files)
  foreach(nc_file IN LISTS nc_corpus_files)
    get_filename_component(nc_name "${nc_file}" NAME_WLE)
    add_test(NAME "${nc_mode}/${nc_name}"
             COMMAND "${NC_BASH}" "${CMAKE_CURRENT_SOURCE_DIR}/check-validate.sh"
                     "$<TARGET_FILE:netconverge>"
                     "${CMAKE_CURRENT_SOURCE_DIR}/${nc_mode}" "${nc_name}" "${nc_mode}")
    set_tests_properties("${nc_mode}/${nc_name}" PROPERTIES
                         LABELS "corpus;corpus-${nc_mode}"
                         TIMEOUT 60)
  endforeach()
endforeach()
