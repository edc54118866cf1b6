# An INTERFACE target that carries the project's warning flags; link it PRIVATE.
add_library(shmtool_warnings INTERFACE)
target_compile_options(shmtool_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wformat=2)
if(SHMTOOL_WERROR)
  target_compile_options(shmtool_warnings INTERFACE -Werror)
endif()
