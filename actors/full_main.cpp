// `parley-full`: every command and every backend. The small `parley` program
// (main.cpp) runs the common stdio case itself and becomes this one for
// everything else.
#include <cstdio>

#include "actors/cli/command_line.hpp"
#include "actors/cli/commands.hpp"
#include "src/seam/registry.hpp"

int main(int argc, char** argv) {
  using namespace parley;
  auto cl = cli::parse(argc, argv);
  if (!cl.error.empty()) {
    std::fprintf(stderr, "parley: %s\n\n%s", cl.error.c_str(), cli::usage().c_str());
    return 2;
  }
  if (cl.command == "help") {
    std::fputs(cli::usage().c_str(), stdout);
    return 0;
  }
  if (cl.command == "version") {
    std::printf("parley %s\n", PARLEY_VERSION);
    return 0;
  }
  if (cl.command == "backends") {
    for (const auto& name : backend_registry::instance().names()) std::printf("%s\n", name.c_str());
    return 0;
  }
  if (cl.command == "serve") return cli::run_serve(cl);
  if (cl.command == "hash-token") return cli::run_hash_token(cl);
  if (cl.command == "hash-secret") return cli::run_hash_secret(cl);
  if (cl.command == "post") return cli::run_post(cl);
  if (cl.command == "tail") return cli::run_tail(cl);
  if (cl.command == "doctor") return cli::run_doctor(cl);
  auto setup = cli::load(cl.config_path);
  if (!setup) return 1;
  return cli::run_stdio(std::move(*setup), cli::connect_stdio_agent);
}
