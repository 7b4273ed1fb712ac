#pragma once

#include <cstddef>
#include <string>

namespace parley {

/// Optional features a backend declares. Core probes these; it never asks a
/// backend for its name to decide behavior.
struct capabilities {
  /// fetch_recent honors `block` by waiting inside the backend.
  bool native_long_poll = false;
  /// Messages written by other processes reach subscribers live.
  bool cross_process_live = true;
  /// The stored sender is the poster's `identity` (not an account name).
  bool sender_is_identity = true;
  /// in_reply_to is stored and returned on read.
  bool stores_in_reply_to = true;
  /// Largest content accepted by post, in bytes (0: no limit of its own).
  std::size_t max_content_bytes = 0;
  /// Largest page fetch_recent returns; larger limits are clamped to it.
  std::size_t max_page = 10000;
  /// The cursor of an empty topic, as returned in `next_cursor`.
  std::string zero_cursor = "0";
};

}  // namespace parley
