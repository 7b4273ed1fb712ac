#pragma once

#include <string>

#include "src/config/value.hpp"
#include "src/error/result.hpp"

/// The entry point of the loadable YAML reader, `parley-yaml.so`: one
/// call, `*out = read_yaml_file(*path)`. `parley`, the small stdio program,
/// reads its config through it and unloads it afterwards, so neither
/// yaml-cpp nor the reader stays mapped in an idle session (the config is
/// read once, at startup). parley-full and the tests link the reader
/// directly.
extern "C" void parley_yaml_read_file(const std::string* path, parley::result<parley::config::value>* out);

/// The symbol name, for dlsym.
inline constexpr const char* parley_yaml_entry_point = "parley_yaml_read_file";
