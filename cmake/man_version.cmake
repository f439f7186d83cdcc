# man_with_version(SRC NAME): copies the manual page SRC to man/NAME in the
# build folder at configure time, with the version field of its .TH line
# ("ftpc 0.4.0") set to PROJECT_VERSION. A change to SRC configures again.
function(man_with_version src name)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${src})
  file(READ ${CMAKE_SOURCE_DIR}/${src} text)
  string(REGEX REPLACE "^(\\.TH [^\n]* \"[a-z]+ )[0-9][0-9.]*(\")" "\\1${PROJECT_VERSION}\\2"
         text "${text}")
  file(WRITE ${CMAKE_BINARY_DIR}/man/${name} "${text}")
endfunction()
