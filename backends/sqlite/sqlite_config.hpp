#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"

namespace parley::sqlite {

/// `backend_config` of the SQLite backend. The first three keys are the
/// original's, with its defaults; `synchronous` is ours.
struct sqlite_config {
  /// Database file; relative paths are relative to the working directory.
  std::string db_path = "parley.db";
  /// Safety-net interval of the change check, in ms. Live delivery does not
  /// wait for it: writes in this process wake subscribers at once and writes
  /// of other processes are seen through a file watch.
  std::int64_t poll_interval_ms = 1000;
  /// Delete messages older than this many days (whole file, every topic).
  std::optional<std::int64_t> retention_days;
  /// `normal` (the original's: survives a process crash, and an OS crash may
  /// lose the last commits) or `full` (an fsync per commit).
  std::string synchronous = "normal";

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static sqlite_config parse(const config::value& v,
                                           std::vector<config::problem>& problems);
};

}  // namespace parley::sqlite
