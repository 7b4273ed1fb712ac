#pragma once

#include <memory>
#include <optional>
#include <string>

#include "src/config/parley_config.hpp"
#include "src/seam/backend.hpp"

namespace parley::cli {

/// The config and an unconnected backend for it, or nullopt after printing
/// why not to stderr.
struct loaded {
  parley_config cfg;
  std::unique_ptr<backend> plugin;
};
[[nodiscard]] std::optional<loaded> load(const std::string& config_path);
/// The config alone, or nullopt after printing why not to stderr.
[[nodiscard]] std::optional<parley_config> load_config_or_report(const std::string& config_path);

/// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread it
/// starts later (so they can be taken with sigwait), and ignores SIGPIPE so
/// a closed stdout is an error code, not death.
void block_shutdown_signals();

/// Waits for one of the blocked shutdown signals; returns its name.
[[nodiscard]] std::string wait_for_shutdown_signal();

/// The blocked shutdown signals as a file descriptor to poll (signalfd), or
/// -1; read_shutdown_signal takes one, returning its name (nullopt: none).
[[nodiscard]] int shutdown_signal_fd();
[[nodiscard]] std::optional<std::string> read_shutdown_signal(int fd);

}  // namespace parley::cli
