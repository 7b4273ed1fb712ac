#pragma once

#include <string>

namespace parley::sqlite::testing {

/// Runs a separate writer process: this test executable again (exec of
/// /proc/self/exe, never a bare fork of a threaded process), which posts
/// `count` messages `<handle>-<i>` as `handle` to `topic` in the database at
/// `db_path` and exits. Returns the child's pid.
[[nodiscard]] int spawn_writer(const std::string& db_path, const std::string& topic,
                               const std::string& handle, int count);

/// Waits for a writer; true if it posted everything.
[[nodiscard]] bool wait_writer(int pid);

}  // namespace parley::sqlite::testing
