#include "backends/xmpp/stanza_ptr.hpp"

namespace parley::xmpp {

xmpp_stanza_t* add_child(xmpp_ctx_t* ctx, xmpp_stanza_t* parent, const char* name, const char* ns) {
  stanza_ptr child(xmpp_stanza_new(ctx));
  xmpp_stanza_set_name(child.get(), name);
  if (ns != nullptr) xmpp_stanza_set_ns(child.get(), ns);
  xmpp_stanza_t* raw = child.get();
  // add_child takes its own reference; ours is dropped by stanza_ptr.
  xmpp_stanza_add_child(parent, raw);
  return raw;
}

void set_text(xmpp_ctx_t* ctx, xmpp_stanza_t* parent, const std::string& text) {
  stanza_ptr t(xmpp_stanza_new(ctx));
  xmpp_stanza_set_text_with_size(t.get(), text.data(), text.size());
  xmpp_stanza_add_child(parent, t.get());
}

std::string text_of(xmpp_stanza_t* s) {
  // Joined from the text children's own buffers: no allocation by
  // libstrophe, so none to free (scripts/lsan.supp says why that matters).
  if (s == nullptr) return {};
  if (xmpp_stanza_is_text(s)) {
    const char* t = xmpp_stanza_get_text_ptr(s);
    return t == nullptr ? std::string{} : std::string(t);
  }
  std::string out;
  for (auto* c = xmpp_stanza_get_children(s); c != nullptr; c = xmpp_stanza_get_next(c)) {
    if (!xmpp_stanza_is_text(c)) continue;
    if (const char* t = xmpp_stanza_get_text_ptr(c)) out += t;
  }
  return out;
}

std::string attribute(xmpp_stanza_t* s, const char* name) {
  if (s == nullptr) return {};
  const char* v = xmpp_stanza_get_attribute(s, name);
  return v == nullptr ? std::string{} : std::string(v);
}

}  // namespace parley::xmpp
