# One ctest per golden case directory: config + snapshot -> plan.
file(GLOB NC_GOLDEN_CASES LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/golden/*)
foreach(dir ${NC_GOLDEN_CASES})
  if(IS_DIRECTORY ${dir})
    get_filename_component(name ${dir} NAME)
    add_test(NAME golden/${name}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/golden/run-case.sh $<TARGET_FILE:netconverge> ${dir})
  endif()
endforeach()
