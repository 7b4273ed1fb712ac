#include "backends/xmpp/stanzas.hpp"

#include "src/util/base64.hpp"
#include "src/util/utf8.hpp"

namespace parley::xmpp {

namespace {

/// XML 1.0's Char production, plus CR: a parser turns CR and CR LF into LF.
bool xml_carries(char32_t c) {
  if (c == 0x9 || c == 0xA) return true;
  if (c < 0x20) return false;
  return c != 0xFFFE && c != 0xFFFF;
}

/// `content` with every character XML cannot carry replaced by U+FFFD.
std::string displayable(const std::string& content) {
  std::string out;
  out.reserve(content.size());
  for (std::size_t i = 0; i < content.size();) {
    const auto d = utf8::decode(content, i);
    if (d.valid && xml_carries(d.code_point)) {
      out.append(content, i, d.length);
    } else {
      out += "\xEF\xBF\xBD";
    }
    i += d.length;
  }
  return out;
}

stanza_ptr new_stanza(xmpp_ctx_t* ctx, const char* name) {
  stanza_ptr s(xmpp_stanza_new(ctx));
  xmpp_stanza_set_name(s.get(), name);
  return s;
}

}  // namespace

bool body_can_carry(const std::string& content) {
  for (std::size_t i = 0; i < content.size();) {
    const auto d = utf8::decode(content, i);
    if (!d.valid || !xml_carries(d.code_point)) return false;
    i += d.length;
  }
  return true;
}

stanza_ptr join_presence(xmpp_ctx_t* ctx, const std::string& room, const std::string& nick) {
  auto p = new_stanza(ctx, "presence");
  xmpp_stanza_set_to(p.get(), (room + "/" + nick).c_str());
  auto* x = add_child(ctx, p.get(), "x", ns::muc);
  auto* history = add_child(ctx, x, "history");
  xmpp_stanza_set_attribute(history, "maxstanzas", "0");
  return p;
}

stanza_ptr instant_room_config(xmpp_ctx_t* ctx, const std::string& room, const std::string& id) {
  stanza_ptr iq(xmpp_iq_new(ctx, "set", id.c_str()));
  xmpp_stanza_set_to(iq.get(), room.c_str());
  auto* query = add_child(ctx, iq.get(), "query", ns::muc_owner);
  auto* x = add_child(ctx, query, "x", ns::data_forms);
  xmpp_stanza_set_type(x, "submit");
  return iq;
}

stanza_ptr groupchat(xmpp_ctx_t* ctx, const outgoing_post& post) {
  auto m = new_stanza(ctx, "message");
  xmpp_stanza_set_type(m.get(), "groupchat");
  xmpp_stanza_set_to(m.get(), post.room.c_str());
  xmpp_stanza_set_id(m.get(), post.origin_id.c_str());
  const bool exact = body_can_carry(post.content);
  set_text(ctx, add_child(ctx, m.get(), "body"), exact ? post.content : displayable(post.content));
  auto* origin = add_child(ctx, m.get(), "origin-id", ns::sid);
  xmpp_stanza_set_attribute(origin, "id", post.origin_id.c_str());
  if (post.reply_to) {
    auto* reply = add_child(ctx, m.get(), "reply", ns::reply);
    xmpp_stanza_set_attribute(reply, "id", post.reply_to->c_str());
  }
  auto* ours = add_child(ctx, m.get(), "parley", ns::parley);
  xmpp_stanza_set_attribute(ours, "ts", post.timestamp.c_str());
  if (!exact) {
    auto* content = add_child(ctx, ours, "content");
    xmpp_stanza_set_attribute(content, "encoding", "base64");
    set_text(ctx, content, base64::encode(post.content));
  }
  return m;
}

stanza_ptr archive_query(xmpp_ctx_t* ctx, const std::string& room, const std::string& iq_id,
                         const std::string& query_id, const archive_page& page) {
  stanza_ptr iq(xmpp_iq_new(ctx, "set", iq_id.c_str()));
  xmpp_stanza_set_to(iq.get(), room.c_str());
  auto* query = add_child(ctx, iq.get(), "query", ns::mam);
  xmpp_stanza_set_attribute(query, "queryid", query_id.c_str());
  auto* set = add_child(ctx, query, "set", ns::rsm);
  set_text(ctx, add_child(ctx, set, "max"), std::to_string(page.max));
  if (page.after) set_text(ctx, add_child(ctx, set, "after"), *page.after);
  if (page.last_page) {
    auto* before = add_child(ctx, set, "before");
    if (page.before_id) set_text(ctx, before, *page.before_id);
  }
  return iq;
}

stanza_ptr self_ping(xmpp_ctx_t* ctx, const std::string& occupant, const std::string& id) {
  stanza_ptr iq(xmpp_iq_new(ctx, "get", id.c_str()));
  xmpp_stanza_set_to(iq.get(), occupant.c_str());
  add_child(ctx, iq.get(), "ping", ns::ping);
  return iq;
}

std::size_t serialized_size(xmpp_stanza_t* s) {
  char* buf = nullptr;
  std::size_t len = 0;
  if (xmpp_stanza_to_text(s, &buf, &len) != XMPP_EOK) return 0;
  xmpp_free(xmpp_stanza_get_context(s), buf);
  return len;
}

}  // namespace parley::xmpp
