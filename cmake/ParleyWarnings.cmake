# Warnings we keep clean. -Werror is opt-in (PARLEY_WERROR) so that a newer
# compiler's new warning never breaks a user's build; CI turns it on.
set(PARLEY_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough)
if(PARLEY_WERROR)
  list(APPEND PARLEY_WARNING_FLAGS -Werror)
endif()
