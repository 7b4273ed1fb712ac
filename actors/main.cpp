// The `parley` program: reads the command line and runs one command.
#include <cstdio>
#include <string_view>

#include "seam/registry.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "backends") {
    for (const auto& name : parley::backend_registry::instance().names()) std::printf("%s\n", name.c_str());
    return 0;
  }
  std::fprintf(stderr, "usage: parley backends\n");
  return 2;
}
