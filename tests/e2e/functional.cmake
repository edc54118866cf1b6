# Functional end-to-end suites: every command and option of SPEC.md, run through the real binary,
# asserting on its JSON and exit codes. Included by tests/e2e/CMakeLists.txt.

# Helpers these suites share (JSON of the binary, bytes of a segment, /proc/sysvipc/shm).
add_library(shmtool_functional_support STATIC ${CMAKE_CURRENT_LIST_DIR}/functional_support.cpp)
target_include_directories(shmtool_functional_support PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(shmtool_functional_support
  PUBLIC shmtool_test_support GTest::gtest nlohmann_json::nlohmann_json
  PRIVATE shmtool_warnings)

# The classic server/client example in C (ftok(path, 'A'), shmget, shmat): an implementation of
# the other side that shares no code with shmtool.
add_executable(classic_client ${CMAKE_CURRENT_LIST_DIR}/classic_client.c)
set_target_properties(classic_client PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
target_compile_options(classic_client PRIVATE -Wall -Wextra -Wconversion -Wsign-conversion
                                              $<$<BOOL:${SHMTOOL_WERROR}>:-Werror>)

# sysv_ipc is installed for the system Python, not necessarily for the `python3` first in PATH.
set(SHMTOOL_TEST_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with sysv_ipc, for cross-checks")

function(shmtool_functional_test name)
  shmtool_e2e_test(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE shmtool_functional_support)
endfunction()

shmtool_functional_test(create_test ${CMAKE_CURRENT_LIST_DIR}/create_test.cpp)
shmtool_functional_test(write_test ${CMAKE_CURRENT_LIST_DIR}/write_test.cpp)
shmtool_functional_test(read_test ${CMAKE_CURRENT_LIST_DIR}/read_test.cpp)
shmtool_functional_test(transfer_test ${CMAKE_CURRENT_LIST_DIR}/transfer_test.cpp)
shmtool_functional_test(stat_test ${CMAKE_CURRENT_LIST_DIR}/stat_test.cpp)
shmtool_functional_test(list_test ${CMAKE_CURRENT_LIST_DIR}/list_test.cpp)
shmtool_functional_test(rm_test ${CMAKE_CURRENT_LIST_DIR}/rm_test.cpp)
shmtool_functional_test(chown_chmod_test ${CMAKE_CURRENT_LIST_DIR}/chown_chmod_test.cpp)
shmtool_functional_test(pin_test ${CMAKE_CURRENT_LIST_DIR}/pin_test.cpp)
shmtool_functional_test(unprivileged_test ${CMAKE_CURRENT_LIST_DIR}/unprivileged_test.cpp)

shmtool_functional_test(classic_flow_test ${CMAKE_CURRENT_LIST_DIR}/classic_flow_test.cpp)
target_compile_definitions(classic_flow_test PRIVATE CLASSIC_CLIENT="$<TARGET_FILE:classic_client>")
add_dependencies(classic_flow_test classic_client)

# Peak RSS of large reads, measured with GNU time; sanitizers raise it, so the bound knows.
shmtool_functional_test(memory_test ${CMAKE_CURRENT_LIST_DIR}/memory_test.cpp)
target_compile_definitions(memory_test PRIVATE SHMTOOL_TEST_SANITIZED=$<BOOL:${SHMTOOL_SANITIZE}>)

shmtool_functional_test(crosscheck_test ${CMAKE_CURRENT_LIST_DIR}/crosscheck_test.cpp)
target_compile_definitions(crosscheck_test PRIVATE SHMTOOL_TEST_PYTHON="${SHMTOOL_TEST_PYTHON}")

# Tests that count every segment or run `rm --all` get a private IPC namespace each: the
# executable's CROSSCOMPILING_EMULATOR (taken from this variable when the target is made) is put
# in front of it both when gtest_discover_tests lists the tests and when ctest runs each one.
find_program(SHMTOOL_UNSHARE unshare REQUIRED)
set(_shmtool_saved_emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")
set(CMAKE_CROSSCOMPILING_EMULATOR ${SHMTOOL_UNSHARE} --ipc)
shmtool_functional_test(namespace_test ${CMAKE_CURRENT_LIST_DIR}/namespace_test.cpp)
set(CMAKE_CROSSCOMPILING_EMULATOR "${_shmtool_saved_emulator}")

# The cooperative lock (lock, write --lock, read --lock): shares the IPC namespace, unique ids.
shmtool_functional_test(lock_test ${CMAKE_CURRENT_LIST_DIR}/lock_test.cpp)

# Kernel limits (lowered with /proc/sys/kernel/shm*), segments made and removed as fast as a
# thread can, and stale locks: each test gets a private IPC namespace, like namespace_test above,
# and refuses to run in a shared one.
set(CMAKE_CROSSCOMPILING_EMULATOR ${SHMTOOL_UNSHARE} --ipc)
shmtool_functional_test(limits_test ${CMAKE_CURRENT_LIST_DIR}/limits_test.cpp)
shmtool_functional_test(limits_command_test ${CMAKE_CURRENT_LIST_DIR}/limits_command_test.cpp)
shmtool_functional_test(races_test ${CMAKE_CURRENT_LIST_DIR}/races_test.cpp)
# Locks whose segments are gone: rm --stale-locks reads and removes every semaphore set it may.
shmtool_functional_test(stale_lock_test ${CMAKE_CURRENT_LIST_DIR}/stale_lock_test.cpp)
set(CMAKE_CROSSCOMPILING_EMULATOR "${_shmtool_saved_emulator}")

# POSIX shared memory objects (/NAME): each test runs in a mount namespace of its own with a
# fresh tmpfs on /dev/shm, and a private IPC namespace (tests/support/private_shm.sh, put in
# front of the executable as namespace_test gets `unshare --ipc`); the tests refuse to run when
# /dev/shm is not such a tmpfs, so they never see or touch the host's objects.
add_library(shmtool_posix_support STATIC ${CMAKE_CURRENT_LIST_DIR}/posix_support.cpp)
target_link_libraries(shmtool_posix_support PUBLIC shmtool_functional_support
                                            PRIVATE shmtool_warnings)

# The other side in C (shm_open, ftruncate, mmap, flock), sharing no code with shmtool.
add_executable(posix_peer ${CMAKE_CURRENT_LIST_DIR}/posix_peer.c)
set_target_properties(posix_peer PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
target_compile_options(posix_peer PRIVATE -Wall -Wextra -Wconversion -Wsign-conversion
                                          $<$<BOOL:${SHMTOOL_WERROR}>:-Werror>)
target_link_libraries(posix_peer PRIVATE rt)

set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../support/private_shm.sh)
foreach(suite posix_test posix_interop_test posix_safety_test who_test metrics_test ns_test)
  shmtool_functional_test(${suite} ${CMAKE_CURRENT_LIST_DIR}/${suite}.cpp)
  target_link_libraries(${suite} PRIVATE shmtool_posix_support)
endforeach()
set(CMAKE_CROSSCOMPILING_EMULATOR "${_shmtool_saved_emulator}")
target_compile_definitions(posix_interop_test PRIVATE POSIX_PEER="$<TARGET_FILE:posix_peer>"
                                                      SHMTOOL_TEST_PYTHON="${SHMTOOL_TEST_PYTHON}")
add_dependencies(posix_interop_test posix_peer)
target_compile_definitions(who_test PRIVATE POSIX_PEER="$<TARGET_FILE:posix_peer>"
                                            SHMTOOL_TEST_PYTHON="${SHMTOOL_TEST_PYTHON}")
add_dependencies(who_test posix_peer)
target_compile_definitions(metrics_test PRIVATE POSIX_PEER="$<TARGET_FILE:posix_peer>")
add_dependencies(metrics_test posix_peer)
target_compile_definitions(ns_test PRIVATE SHMTOOL_TEST_PYTHON="${SHMTOOL_TEST_PYTHON}")

# --all-namespaces: as if on a host of its own (tests/support/private_host.sh: a PID namespace
# with its own /proc, besides private IPC and mount namespaces), so a walk of /proc finds only
# the namespaces the tests make.
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../support/private_host.sh)
shmtool_functional_test(all_namespaces_test ${CMAKE_CURRENT_LIST_DIR}/all_namespaces_test.cpp)
target_link_libraries(all_namespaces_test PRIVATE shmtool_posix_support)
set(CMAKE_CROSSCOMPILING_EMULATOR "${_shmtool_saved_emulator}")
target_compile_definitions(all_namespaces_test PRIVATE SHMTOOL_TEST_PYTHON="${SHMTOOL_TEST_PYTHON}")
