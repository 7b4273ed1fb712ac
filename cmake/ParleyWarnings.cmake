# Warnings we keep clean. -Werror is opt-in (PARLEY_WERROR) so that a newer
# compiler's new warning never breaks a user's build; CI turns it on.
set(PARLEY_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 reports false positives inside libstdc++'s <regex> and <optional>
  # once optimization or the sanitizers are on (std::function members of
  # regex states "may be used uninitialized"); the sanitizers themselves
  # catch the real thing.
  # At -O2 it also reports impossible overlaps in std::string's inlined
  # memcpy (-Wrestrict, GCC bug 105651).
  list(APPEND PARLEY_WARNING_FLAGS -Wno-maybe-uninitialized -Wno-restrict)
endif()
if(PARLEY_WERROR)
  list(APPEND PARLEY_WARNING_FLAGS -Werror)
endif()
