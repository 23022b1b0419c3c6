# The Ansible module and role, run by ansible-playbook (ansible-core) against
# localhost with netns: a namespace of the test's own (root; skipped without
# root or ansible-playbook). Included from tests/CMakeLists.txt.
add_test(NAME integration/ansible
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/test-ansible.sh $<TARGET_FILE:netconverge>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(integration/ansible PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
