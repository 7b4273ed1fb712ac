// `parley`: the program Claude Code starts once per session.
//
// It runs the stdio channel itself when the config needs nothing more than
// that (the embedded SQLite backend, no NATS agent), and otherwise replaces
// itself with `parley-full` (execv: same process, same stdin and stdout),
// which has every command and backend. Keeping the client libraries of the
// other backends, the gateway's HTTP and OAuth code and OpenSSL out of this
// program keeps an idle session's resident memory small: every shared
// library loaded costs every session process its relocated pages
// (bench/stdio_bench idle-rss).
#include <cstdio>

#include "actors/cli/command_line.hpp"
#include "actors/cli/commands.hpp"
#include "src/seam/registry.hpp"

int main(int argc, char** argv) {
  using namespace parley;
  auto cl = cli::parse(argc, argv);
  if (!cl.error.empty() || cl.command != "stdio") return cli::become_full_program(argv);
  auto cfg = cli::load_config_or_report(cl.config_path);
  if (!cfg) return 1;
  if (cfg->nats_agent.enabled) return cli::become_full_program(argv);
  // A backend this program does not carry: parley-full has every one.
  auto plugin = backend_registry::instance().create(cfg->backend);
  if (!plugin) return cli::become_full_program(argv);
  return cli::run_stdio(cli::loaded{std::move(*cfg), std::move(*plugin)}, {});
}
