#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/seam/backend.hpp"

/// The seam calls a backend's own tests make over and over, each failing the
/// test case with the backend's error message when a call that must succeed
/// does not.
namespace parley::conformance {

/// Posts `content` to `topic` as `handle`; requires success; the id.
std::string post_ok(backend& b, const std::string& topic, const std::string& content,
                    const std::string& handle = "me");

/// fetch_recent of `topic`, strictly after the cursor `since` when given,
/// with the default limit: the result as it came, for the test to check.
[[nodiscard]] result<page> fetch(backend& b, const std::string& topic,
                                 std::optional<std::string> since = std::nullopt,
                                 std::chrono::milliseconds block = std::chrono::milliseconds(0));

/// Subscribes `sink` to `topic`; requires success.
[[nodiscard]] std::unique_ptr<subscription> subscribe_ok(backend& b, const std::string& topic,
                                                         subscription_sink& sink);

/// What a harness's concurrent_post does with independent writers: writer w
/// (`writers[w]`, on a thread of its own) posts `w<w>-<i>` as handle `w<w>`,
/// `per_writer` times, all writers at once; requires every post to succeed.
void post_from_each(const std::vector<std::unique_ptr<backend>>& writers, const std::string& topic,
                    int per_writer);

}  // namespace parley::conformance
