# The CLI contract (help, version, unknown options, --json placement, I/O faults, the shape of
# failure lines) and the table of bad input. Test names carry "contract" or "bad_input":
#   ctest -R 'contract|bad_input'
add_library(shmtool_contract_support STATIC ${CMAKE_CURRENT_SOURCE_DIR}/contract_support.cpp)
target_include_directories(shmtool_contract_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(shmtool_contract_support PUBLIC shmtool_sanitizers PRIVATE shmtool_warnings)

shmtool_e2e_test(contract_test contract_test.cpp io_fault_test.cpp failure_message_test.cpp)
target_link_libraries(contract_test PRIVATE shmtool_contract_support)

# Each bad-input row runs in an IPC namespace of its own when `unshare --ipc` works here (root):
# there the rows that could touch any segment (rm --all, a keyless create) run too, and every
# segment is counted before and after. Elsewhere those rows are skipped and the rest still
# check the guard segment and the unused key.
find_program(SHMTOOL_UNSHARE unshare)
set(bad_input_emulator "")
if(SHMTOOL_UNSHARE)
  execute_process(COMMAND ${SHMTOOL_UNSHARE} --ipc true RESULT_VARIABLE unshare_status
                  OUTPUT_QUIET ERROR_QUIET)
  if(unshare_status EQUAL 0)
    set(bad_input_emulator ${SHMTOOL_UNSHARE} --ipc env SHMTOOL_TEST_PRIVATE_IPC=1)
  endif()
endif()
# gtest_discover_tests runs the tests through the target's CROSSCOMPILING_EMULATOR, which
# add_executable takes from this variable.
set(saved_emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")
set(CMAKE_CROSSCOMPILING_EMULATOR ${bad_input_emulator})
shmtool_e2e_test(bad_input_test bad_input_test.cpp)
set(CMAKE_CROSSCOMPILING_EMULATOR "${saved_emulator}")
target_link_libraries(bad_input_test PRIVATE shmtool_contract_support)
