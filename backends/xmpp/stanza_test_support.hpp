#pragma once

#include <string>

#include "backends/xmpp/stanza_ptr.hpp"

namespace parley::xmpp::testing {

/// A libstrophe context for tests that build and parse stanzas offline.
class stanza_context {
 public:
  stanza_context();
  ~stanza_context();
  stanza_context(const stanza_context&) = delete;
  stanza_context& operator=(const stanza_context&) = delete;

  [[nodiscard]] xmpp_ctx_t* get() const noexcept { return ctx_; }
  /// Parses one stanza from its XML text; fails the test when it does not parse.
  [[nodiscard]] stanza_ptr parse(const std::string& xml) const;
  /// The XML text of `s`.
  [[nodiscard]] static std::string text(xmpp_stanza_t* s);

 private:
  xmpp_ctx_t* ctx_;
};

}  // namespace parley::xmpp::testing
