# The Debian package, made by CPack's DEB generator from the install rules: `make package`
# (scripts/package.sh), or `cpack -G DEB` in a build directory. tests/package checks it.

set(SHMTOOL_PACKAGE_MAINTAINER
    "shmtool maintainers <maintainers@users.noreply.b-seed-344d6e0e.example>"
    CACHE STRING "The package's Maintainer: field")

# A Debian binary package carries its copyright and its changelog in /usr/share/doc/shmtool.
# The package is native (made from this tree, no Debian revision), so the changelog is
# changelog.gz, its newest entry the project's version.
file(STRINGS packaging/changelog _newest LIMIT_COUNT 1)
if(NOT _newest MATCHES "^shmtool \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/changelog starts with '${_newest}': add an entry for "
                      "shmtool (${PROJECT_VERSION}), the version in CMakeLists.txt")
endif()
find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(_changelog ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(
  OUTPUT ${_changelog}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND ${GZIP_EXECUTABLE} -9nc ${PROJECT_SOURCE_DIR}/packaging/changelog > ${_changelog}
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog
  VERBATIM)
add_custom_target(package_changelog ALL DEPENDS ${_changelog})
install(FILES packaging/copyright ${_changelog} DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME shmtool)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "command-line tool for System V shared memory")
set(CPACK_PACKAGE_DESCRIPTION [=[
One command to create System V shared memory segments, write and read their
contents exactly, inspect, list, change owners and modes, and remove them,
with aligned tables for people and typed JSON for scripts and jq. It does what
ipcmk, ipcs, lsipc and ipcrm do between them, plus reading and writing the
bytes and a cooperative lock per segment, and it says why when something fails.
]=])
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SHMTOOL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: what dpkg-shlibdeps finds the binary needs (libc6 only: libstdc++ is linked in).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Only the DEB generator is configured; no source package.
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
