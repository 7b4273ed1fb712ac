// `parley` reads its YAML config through the loadable reader parley-yaml.so
// (src/config/yaml_module.hpp) and unloads it once the config is read: the
// parser is needed for milliseconds at startup, and a session stays up for
// hours. This definition of read_yaml_file takes the place of the direct one
// in parley_core (an object file linked into the program wins over an
// archive member), so yaml-cpp is not linked into `parley` at all.
#include <dlfcn.h>

#include <string>

#include "actors/cli/program_paths.hpp"
#include "src/config/parley_config.hpp"
#include "src/config/yaml_module.hpp"

namespace parley {

result<config::value> read_yaml_file(const std::string& path) {
  const std::string module = cli::find_beside_program("parley-yaml.so", "lib/parley");
  if (module.empty())
    return fail(errc::invalid_config, "cannot read " + path +
                                          ": the YAML reader parley-yaml.so was not found beside the parley "
                                          "program (or in ../lib/parley)");
  void* handle = ::dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    return fail(errc::invalid_config, "cannot load the YAML reader " + module + ": " + (why ? why : "?"));
  }
  using entry_fn = void (*)(const std::string*, result<config::value>*);
  auto* entry = reinterpret_cast<entry_fn>(::dlsym(handle, parley_yaml_entry_point));
  result<config::value> out{fail(errc::internal, "the YAML reader " + module + " has no entry point")};
  if (entry) entry(&path, &out);
  // Nothing the reader made keeps pointing into it: a config::value is plain
  // strings and vectors.
  ::dlclose(handle);
  return out;
}

}  // namespace parley
