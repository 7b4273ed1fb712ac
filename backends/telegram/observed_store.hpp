#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/telegram/telegram_message.hpp"
#include "src/error/result.hpp"
#include "src/util/sqlite.hpp"

namespace parley::telegram {

/// The observed store in a SQLite state database: every message the bot has
/// seen (getUpdates) or sent (sendMessage's answer; bots never receive their
/// own messages), the newest `retention` per topic, and each bot's next
/// getUpdates offset. The Bot API has no history: this is the history.
///
/// A batch of messages and the offset that confirms them are written in one
/// transaction, so a process killed at any point restarts at an offset that
/// matches what is stored: no update replayed into a duplicate, none skipped.
/// Thread-safe.
class observed_store {
 public:
  /// Opens (creating the file 0600 and its directories 0700) `path`.
  [[nodiscard]] static result<std::unique_ptr<observed_store>> open(const std::string& path,
                                                                    std::int64_t retention);

  /// Stores the messages not stored yet (by chat_id and message_id) and,
  /// when given, `bot_id`'s next offset, in one transaction; trims each
  /// topic written to its newest `retention`. Returns the new messages,
  /// ascending by (chat_id, message_id) as given.
  [[nodiscard]] result<std::vector<observed_message>> ingest(
      const std::vector<observed_message>& batch,
      const std::optional<std::pair<std::string, std::int64_t>>& offset = std::nullopt);

  /// The next getUpdates offset of `bot_id` (0 when none stored).
  [[nodiscard]] result<std::int64_t> offset(const std::string& bot_id);

  /// Up to `limit` messages of `topic`: with `since`, the oldest after it;
  /// without, the newest. Ascending by message_id.
  [[nodiscard]] result<std::vector<observed_message>> read(const std::string& topic,
                                                           std::optional<std::int64_t> since,
                                                           std::size_t limit);

  /// The largest message_id stored for `topic` (0 when none).
  [[nodiscard]] result<std::int64_t> newest_id(const std::string& topic);

  /// True when a file with this identity (path, size, mtime) was imported.
  [[nodiscard]] bool imported(const std::string& file_identity);
  /// Remembers an imported file's identity.
  [[nodiscard]] result<void> mark_imported(const std::string& file_identity);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  observed_store(sqlite::connection db, std::string path, std::int64_t retention);
  [[nodiscard]] result<void> trim(const std::string& topic);

  std::mutex mu_;
  sqlite::connection db_;
  std::string path_;
  std::int64_t retention_;
};

}  // namespace parley::telegram
