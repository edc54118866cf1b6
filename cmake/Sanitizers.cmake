# An INTERFACE target that turns on ASan+UBSan when SHMTOOL_SANITIZE is ON.
add_library(shmtool_sanitizers INTERFACE)
if(SHMTOOL_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(shmtool_sanitizers INTERFACE ${_san})
  target_link_options(shmtool_sanitizers INTERFACE ${_san})
endif()
