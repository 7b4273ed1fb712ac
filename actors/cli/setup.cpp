#include "actors/cli/setup.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>

#include "src/seam/registry.hpp"

namespace parley::cli {

std::optional<parley_config> load_config_or_report(const std::string& config_path) {
  auto cfg = load_config(config_path);
  if (!cfg) {
    std::fprintf(stderr, "parley: fatal: %s\n", cfg.error().message.c_str());
    return std::nullopt;
  }
  return std::move(*cfg);
}

std::optional<loaded> load(const std::string& config_path) {
  auto cfg = load_config_or_report(config_path);
  if (!cfg) return std::nullopt;
  auto plugin = backend_registry::instance().create(cfg->backend);
  if (!plugin) {
    std::fprintf(stderr, "parley: fatal: %s (config key: backend)\n", plugin.error().message.c_str());
    return std::nullopt;
  }
  return loaded{std::move(*cfg), std::move(*plugin)};
}

namespace {
sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}
}  // namespace

void block_shutdown_signals() {
  sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

namespace {
std::string signal_name(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
  }
  return "signal";
}
}  // namespace

std::string wait_for_shutdown_signal() {
  sigset_t set = shutdown_signals();
  int sig = 0;
  sigwait(&set, &sig);
  return signal_name(sig);
}

int shutdown_signal_fd() {
  sigset_t set = shutdown_signals();
  return ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

std::optional<std::string> read_shutdown_signal(int fd) {
  signalfd_siginfo info{};
  if (::read(fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return std::nullopt;
  return signal_name(static_cast<int>(info.ssi_signo));
}

}  // namespace parley::cli
