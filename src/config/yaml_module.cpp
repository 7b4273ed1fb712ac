// parley-yaml.so: read_yaml_file behind a C entry point (yaml_module.hpp).
#include "src/config/yaml_module.hpp"

#include "src/config/parley_config.hpp"

extern "C" __attribute__((visibility("default"))) void parley_yaml_read_file(
    const std::string* path, parley::result<parley::config::value>* out) {
  *out = parley::read_yaml_file(*path);
}
