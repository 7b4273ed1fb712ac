#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "src/seam/backend.hpp"

namespace parley::conformance {

/// What a backend's test provides to run the shared suite against it. One
/// harness is made per test case; every backend it connects shares the same
/// storage (file, server, namespace), as separate sessions of one deployment
/// would.
class harness {
 public:
  virtual ~harness() = default;

  /// A new, connected backend on this harness's storage.
  [[nodiscard]] virtual std::unique_ptr<backend> connect_backend() = 0;

  /// A topic no test has used on this storage.
  [[nodiscard]] virtual std::string fresh_topic() = 0;

  /// Posts `per_writer` messages from each of `writers` independent writers
  /// (processes where the backend is a file, connections otherwise) at the
  /// same time; writer w posts `w<w>-<i>` as handle `w<w>`. Returns false if
  /// this backend cannot have independent writers (the case is then skipped).
  [[nodiscard]] virtual bool concurrent_post(const std::string& topic, int writers, int per_writer) {
    (void)topic;
    (void)writers;
    (void)per_writer;
    return false;
  }

  /// Why concurrent_post returns false, printed when the case is skipped.
  [[nodiscard]] virtual std::string no_concurrent_writers_reason() const {
    return "no independent writers for this backend";
  }

  /// A `since` this backend could never have minted.
  [[nodiscard]] virtual std::string malformed_cursor() const { return "%%not-a-cursor%%"; }

  /// False where the service refuses a message without content (Discord:
  /// code 50006): the cases then leave the empty body out, and say so.
  [[nodiscard]] virtual bool accepts_empty_content() const { return true; }

  /// How long a live message may take to arrive before the case fails.
  [[nodiscard]] virtual std::chrono::milliseconds live_timeout() const {
    return std::chrono::milliseconds(5000);
  }
};

}  // namespace parley::conformance
