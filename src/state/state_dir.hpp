#pragma once

#include <string>

namespace parley {

/// The user's home: $HOME, else the passwd entry (as Node's os.homedir()).
[[nodiscard]] std::string home_directory();

/// Where Parley keeps its per-user state: `$XDG_STATE_HOME/parley` when
/// XDG_STATE_HOME is set and not empty, else `$HOME/.local/state/parley`.
/// Read state and the backends' own state databases live under it.
[[nodiscard]] std::string parley_state_dir();

}  // namespace parley
