# The owned nftables table hardened: dormant, foreign objects, a table
# another process owns, the batch refused by the kernel (root; skipped
# otherwise). Included from tests/CMakeLists.txt.
add_executable(nft-owner integration/nft-owner.c)
target_link_libraries(nft-owner PRIVATE PkgConfig::NFT)

add_test(NAME integration/nftguard
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-nftguard.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR} $<TARGET_FILE:nft-owner>)
set_tests_properties(integration/nftguard PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240)
