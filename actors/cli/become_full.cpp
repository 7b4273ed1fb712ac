#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "actors/cli/commands.hpp"
#include "actors/cli/program_paths.hpp"

namespace parley::cli {

int become_full_program(char** argv) {
  // Beside this program (build trees, bin/), else where an installation
  // keeps helper programs; PARLEY_FULL_BIN overrides both.
  std::string candidates[3];
  if (const char* env = std::getenv("PARLEY_FULL_BIN"); env && *env) candidates[0] = env;
  const std::string dir = own_directory();
  candidates[1] = dir + "/parley-full";
  candidates[2] = dir + "/../libexec/parley/parley-full";
  for (const auto& path : candidates) {
    if (path.empty() || ::access(path.c_str(), X_OK) != 0) continue;
    ::execv(path.c_str(), argv);
    std::fprintf(stderr, "parley: fatal: cannot run %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  std::fprintf(stderr,
               "parley: fatal: parley-full was not found beside %s/parley; this program runs only the "
               "stdio channel on SQLite by itself (set PARLEY_FULL_BIN to its path)\n",
               dir.c_str());
  return 1;
}

}  // namespace parley::cli
