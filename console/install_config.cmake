# Writes the page's config.json at install time (console/CMakeLists.txt):
# {"trustd": "PREFIX/BINDIR/trustd"}, PREFIX being the one `cmake --install
# --prefix` was given (DESTDIR is only where the files go).
foreach(var CONSOLE_DIR CONSOLE_BINDIR)
  if(NOT IS_ABSOLUTE "${${var}}")
    set(${var} "${CMAKE_INSTALL_PREFIX}/${${var}}")
  endif()
endforeach()
set(config "$ENV{DESTDIR}${CONSOLE_DIR}/config.json")
message(STATUS "Installing: ${config}")
file(WRITE "${config}" "{\"trustd\": \"${CONSOLE_BINDIR}/trustd\"}\n")
