#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "src/seam/backend.hpp"

namespace parley::zulip {

/// The backend's one health from the healths of its event queues, each
/// reported by its own poll thread: `failed` when any queue failed, else
/// `retrying` when any retries, else `connected`. Only a change of the
/// merged state reaches the listener, so one queue's recovery does not hide
/// another's outage.
class health_merge {
 public:
  explicit health_merge(health_listener out) : out_(std::move(out)) {}

  /// Records queue `source`'s new state (callable from any thread).
  void report(std::uint64_t source, health state, const std::string& reason);
  /// Forgets a closed queue.
  void forget(std::uint64_t source);

 private:
  void publish(const std::string& reason);  // with mu_ held

  health_listener out_;
  std::mutex mu_;
  std::map<std::uint64_t, health> states_;
  std::optional<health> published_;
};

}  // namespace parley::zulip
