#pragma once

#include <memory>
#include <string>

#include <strophe.h>

namespace parley::xmpp {

struct stanza_release {
  void operator()(xmpp_stanza_t* s) const noexcept {
    if (s != nullptr) xmpp_stanza_release(s);
  }
};
/// An owned stanza (libstrophe counts references; this holds one).
using stanza_ptr = std::unique_ptr<xmpp_stanza_t, stanza_release>;

/// A child stanza `<name xmlns=ns attrs...>` added to `parent`; returns the
/// child (owned by the parent).
xmpp_stanza_t* add_child(xmpp_ctx_t* ctx, xmpp_stanza_t* parent, const char* name, const char* ns = nullptr);

/// Sets `text` as the only child of `parent`.
void set_text(xmpp_ctx_t* ctx, xmpp_stanza_t* parent, const std::string& text);

/// The text of `s` (its text children joined), "" for none.
[[nodiscard]] std::string text_of(xmpp_stanza_t* s);

/// An attribute's value, "" when absent.
[[nodiscard]] std::string attribute(xmpp_stanza_t* s, const char* name);

}  // namespace parley::xmpp
