#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/zulip/zulip_api.hpp"
#include "src/error/result.hpp"
#include "src/model/message.hpp"

namespace parley::zulip {

/// One page of GET /messages, ascending by id.
struct history_page {
  std::vector<message> messages;
  /// The server says nothing newer matches the narrow.
  bool found_newest = false;
  /// The largest id the page held, skipped messages included (0: none).
  std::uint64_t last_id = 0;
};

/// Reads a stream's history with `GET /messages`, narrowed to the stream
/// and, unless `topic` is nullopt, the topic; content raw
/// (apply_markdown=false). Messages that do not map (not a stream message,
/// no sender) are skipped with a log line.
class message_history {
 public:
  message_history(zulip_api& api, std::string stream, std::optional<std::string> topic)
      : api_(api), stream_(std::move(stream)), topic_(std::move(topic)) {}

  /// The newest `limit`: anchor=newest, include_anchor=true, num_before=limit, num_after=0.
  [[nodiscard]] result<history_page> newest(std::size_t limit);
  /// Up to `limit` strictly after `id`: anchor=id, include_anchor=false,
  /// num_before=0, num_after=limit.
  [[nodiscard]] result<history_page> after(std::uint64_t id, std::size_t limit);
  /// The newest id of the narrow, 0 when it is empty.
  [[nodiscard]] result<std::uint64_t> tail_id();

 private:
  [[nodiscard]] result<history_page> read(const fields& window);

  zulip_api& api_;
  std::string stream_;
  std::optional<std::string> topic_;
};

}  // namespace parley::zulip
