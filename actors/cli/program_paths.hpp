#pragma once

#include <string>

namespace parley::cli {

/// The directory of the running program (from /proc/self/exe).
[[nodiscard]] std::string own_directory();

/// `name` beside the running program, else under `../<installed_dir>/`
/// (where an installation keeps it); empty when neither exists.
[[nodiscard]] std::string find_beside_program(const std::string& name, const std::string& installed_dir);

}  // namespace parley::cli
