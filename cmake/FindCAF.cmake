# FindCAF.cmake -- Debian's libcaf-dev 0.17.x ships neither a CMake config nor a
# pkg-config file, so we locate headers and libraries ourselves.
#
#   find_package(CAF 0.17 REQUIRED COMPONENTS core io)
#   target_link_libraries(app PRIVATE CAF::core CAF::io)
#
# The imported target names match the config package of CAF >= 0.18, so a later
# switch to an upstream CAF is a one-line change.
include(FindPackageHandleStandardArgs)

set(_caf_comps core ${CAF_FIND_COMPONENTS})
if("openssl" IN_LIST _caf_comps)
  list(APPEND _caf_comps io)
endif()
list(REMOVE_DUPLICATES _caf_comps)

find_path(CAF_INCLUDE_DIR NAMES caf/config.hpp)
if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" _caf_ver_line
       REGEX "^#define CAF_VERSION [0-9]+")
  string(REGEX REPLACE "^#define CAF_VERSION ([0-9]+).*" "\\1" _caf_ver "${_caf_ver_line}")
  math(EXPR _caf_major "${_caf_ver} / 10000")
  math(EXPR _caf_minor "(${_caf_ver} / 100) % 100")
  math(EXPR _caf_patch "${_caf_ver} % 100")
  set(CAF_VERSION "${_caf_major}.${_caf_minor}.${_caf_patch}")
endif()

find_package(Threads QUIET)
set(CAF_LIBRARIES)
foreach(_comp IN LISTS _caf_comps)
  find_library(CAF_${_comp}_LIBRARY NAMES caf_${_comp})
  if(CAF_${_comp}_LIBRARY AND CAF_INCLUDE_DIR)
    set(CAF_${_comp}_FOUND TRUE)
    list(APPEND CAF_LIBRARIES ${CAF_${_comp}_LIBRARY})
  else()
    set(CAF_${_comp}_FOUND FALSE)
  endif()
  mark_as_advanced(CAF_${_comp}_LIBRARY)
endforeach()

find_package_handle_standard_args(CAF
  REQUIRED_VARS CAF_INCLUDE_DIR CAF_core_LIBRARY
  VERSION_VAR CAF_VERSION
  HANDLE_COMPONENTS)

if(CAF_FOUND)
  set(CAF_INCLUDE_DIRS ${CAF_INCLUDE_DIR})
  if(CAF_core_FOUND AND NOT TARGET CAF::core)
    add_library(CAF::core SHARED IMPORTED)
    set_target_properties(CAF::core PROPERTIES
      IMPORTED_LOCATION "${CAF_core_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "Threads::Threads")
  endif()
  if(CAF_io_FOUND AND NOT TARGET CAF::io)
    add_library(CAF::io SHARED IMPORTED)
    set_target_properties(CAF::io PROPERTIES
      IMPORTED_LOCATION "${CAF_io_LIBRARY}"
      INTERFACE_LINK_LIBRARIES "CAF::core")
  endif()
  if(CAF_openssl_FOUND AND NOT TARGET CAF::openssl)
    find_package(OpenSSL QUIET)
    add_library(CAF::openssl SHARED IMPORTED)
    set_target_properties(CAF::openssl PROPERTIES
      IMPORTED_LOCATION "${CAF_openssl_LIBRARY}"
      INTERFACE_LINK_LIBRARIES "CAF::io;OpenSSL::SSL")
  endif()
endif()
mark_as_advanced(CAF_INCLUDE_DIR)
