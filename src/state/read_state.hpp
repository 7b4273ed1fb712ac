#pragma once

#include <map>
#include <optional>
#include <string>

#include "src/error/result.hpp"

namespace parley {

/// A session's read cursors, one per topic, persisted as a flat JSON object
/// `{"<topic>": "<cursor>"}` (docs/parley-behavior.md, "Read state").
///
/// Writes are atomic (temp file 0600 + rename, directory 0700) and merge
/// under an advisory lock (flock on `<path>.lock`): a save rewrites only the
/// topics it carries, so two processes sharing the file never erase each
/// other's topics.
class read_state_store {
 public:
  explicit read_state_store(std::string path);

  /// The file for a session: `state_path` when set, else
  /// `${XDG_STATE_HOME:-$HOME/.local/state}/parley/<dir>/read-state.json`,
  /// with <dir> = the instance key sanitized as docs/parley-behavior.md "Read state" says
  /// (characters outside `[A-Za-z0-9._-]` become `_`; if that changed anything, or the result is
  /// empty, `.` or `..`, `-<first 8 hex of sha256(key)>` is appended, with
  /// `default` as the base for empty/`.`/`..`).
  [[nodiscard]] static std::string default_path(const std::optional<std::string>& state_path,
                                                const std::string& instance_key);

  /// The instance key: `instance_id` when configured; otherwise the handle
  /// plus `@` plus the first 8 hex of sha256 of the working directory, so two
  /// sessions sharing a handle in different projects never share cursors.
  [[nodiscard]] static std::string instance_key(const std::optional<std::string>& instance_id,
                                                const std::string& handle,
                                                const std::string& working_dir);

  /// The stored cursors. A missing, unreadable or corrupt file, or one that
  /// is not a JSON object, reads as empty; non-string values are skipped;
  /// keys like `__proto__` are ordinary keys.
  [[nodiscard]] std::map<std::string, std::string> load() const;

  /// Merges `changed` into the file (topics not in `changed` are kept).
  [[nodiscard]] result<void> save(const std::map<std::string, std::string>& changed);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace parley
