#pragma once

#include <cstddef>
#include <string>

#include "backends/telegram/observed_store.hpp"
#include "src/error/result.hpp"

namespace parley::telegram {

/// What one import did.
struct import_report {
  /// False when the file did not exist (nothing to do).
  bool found = false;
  /// False when this very file (path, size, mtime) was imported before.
  bool ran = false;
  /// Records stored that were not stored yet.
  std::size_t imported = 0;
  /// Records already in the store (by chat_id:message_id).
  std::size_t duplicates = 0;
  /// Lines skipped: malformed, torn, or not a record.
  std::size_t skipped = 0;
};

/// Imports the original parley-telegram JSONL observed store at `path` into
/// `store`: one compact JSON record a line,
/// `{"topic","chat_id","message_id","sender","content","ts"}`. Idempotent by
/// composite id; a malformed or torn line is skipped with a log line naming
/// its number, never its content. A file imported unchanged before is not
/// read again. Logs how many records were imported and skipped.
[[nodiscard]] result<import_report> import_jsonl(const std::string& path, observed_store& store);

}  // namespace parley::telegram
