#include "actors/cli/program_paths.hpp"

#include <limits.h>
#include <unistd.h>

namespace parley::cli {

std::string own_directory() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  std::string p(path, static_cast<std::size_t>(n));
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? "." : p.substr(0, slash);
}

std::string find_beside_program(const std::string& name, const std::string& installed_dir) {
  const std::string dir = own_directory();
  for (const std::string& candidate : {dir + "/" + name, dir + "/../" + installed_dir + "/" + name})
    if (::access(candidate.c_str(), F_OK) == 0) return candidate;
  return {};
}

}  // namespace parley::cli
