#include "src/mcp/tool_table.hpp"

#include <array>

#include "src/json/writer.hpp"

namespace parley::mcp {

namespace {

using prop = tool_property;
using kind = tool_property::type;

// One maker per kind of property, so each table row names only what it sets.

/// A topic; `listed`: the allowed topics as an enum when the allowlist is closed.
constexpr prop topic(std::string_view name, std::string_view description, bool listed) {
  prop p;
  p.kind = kind::topic;
  p.name = name;
  p.description = description;
  p.topic_enum = listed;
  return p;
}

/// A string of at most `max_length` bytes (0: no limit).
constexpr prop text(std::string_view name, std::string_view description,
                    std::size_t max_length = 0) {
  prop p;
  p.name = name;
  p.description = description;
  p.max_length = max_length;
  return p;
}

/// A whole number from 0 (`positive`: from 1).
constexpr prop whole(std::string_view name, std::string_view description, bool positive) {
  prop p;
  p.kind = kind::integer;
  p.name = name;
  p.description = description;
  p.exclusive_minimum = positive;
  return p;
}

constexpr prop flag(std::string_view name, std::string_view description,
                    std::optional<bool> default_value = std::nullopt) {
  prop p;
  p.kind = kind::boolean;
  p.name = name;
  p.description = description;
  p.default_value = default_value;
  return p;
}

constexpr std::array fetch_recent_props{
    topic("topic", "The topic to read; it must be allowed for this session.", true),
    text("since",
         "Cursor from an earlier call; only messages after it are returned. Omit for the recent "
         "window."),
    whole("limit", "The most messages to return (default 100).", true),
    whole("block_ms",
          "How long to wait for a new message when nothing is newer than `since`, in ms. "
          "The server caps it. 0 or absent: answer at once.",
          false),
};
constexpr std::array post_props{
    topic("topic", "The topic to post to; it must be allowed for this session.", true),
    text("content", "The message text."),
    text("in_reply_to", "Optional backendMsgId of the message this one answers."),
};
constexpr std::array reply_props{
    topic("topic", "The topic of the message you are answering.", false),
    text("content", "The reply text."),
    text("in_reply_to", "Optional msg_id of the message you are answering."),
};
constexpr std::array list_users_props{
    text("filter", "Handle glob: * matches any run, ? one character.", 256),
    text("topic", "Only peers reachable on this topic."),
    flag("online_only", "Only peers online now."),
    whole("since_ms", "Drop offline peers last seen longer ago than this (ms).", true),
    whole("limit", "The most peers to return.", true),
};
// The reference NATS channel's schema: done defaults to true.
constexpr std::array nats_reply_props{
    text("request_id", "The request_id of the channel event you are answering."),
    text("text", "The text to send (may be empty when only ending the stream)."),
    flag("done", "End the caller's stream after this text.", true),
};

constexpr std::array<std::string_view, 1> topic_required{"topic"};
constexpr std::array<std::string_view, 2> topic_content_required{"topic", "content"};
constexpr std::array<std::string_view, 2> nats_reply_required{"request_id", "text"};

constexpr std::array<tool_spec, tool_count> table{{
    {tool_id::fetch_recent, "parley_fetch_recent",
     "Read a topic's history from the durable backend. Pass a cursor as `since` to get only "
     "messages after it; omit it for the most recent window. Returns { messages, nextCursor }: "
     "keep nextCursor and pass it as `since` next time. Call it per topic when a session starts "
     "and whenever you need to catch up. With `block_ms` and a `since` at the end of the topic, "
     "the call waits (capped by the server) for the next message before returning.",
     topic_hint::allowed, fetch_recent_props, topic_required},
    {tool_id::post, "parley_post",
     "Publish a message to a topic on the durable backend, where people and other agent sessions "
     "read it. Use it to start a thread, report results, or hand work to someone else. Returns "
     "{ backendMsgId }.",
     topic_hint::allowed, post_props, topic_content_required},
    {tool_id::reply, "parley_reply",
     "Answer a message that arrived as a <channel> event, in the topic it came from. The reply is "
     "stored durably, so it survives restarts and appears in everyone's catch-up. Returns "
     "{ backendMsgId }.",
     topic_hint::configured, reply_props, topic_content_required},
    {tool_id::list_users,
     "parley_list_users",
     "Who can be reached for a hand-off: peers that are online or were seen recently, most "
     "recent first, each with the topics they listen to and the topics they may post to. By "
     "default peers that share a topic with you (pass `topic` to ask about one topic); "
     "`online_only` hides offline peers; `since_ms` (default 24 hours) bounds how long ago an "
     "offline peer was seen; `limit` caps the list; `filter` is a handle glob (* and ?). People "
     "in chat apps appear once they have spoken. Returns { users: [{ handle, online, topics, "
     "postTopics, lastSeenMs }], truncated }; truncated means older presence records were not "
     "read.",
     topic_hint::configured,
     list_users_props,
     {}},
    // Named as in the reference Claude Code NATS channel so prompts written
    // for it work unchanged.
    {tool_id::nats_reply, "reply",
     "Answer a request that arrived from NATS as a <channel request_id=\"...\"> event. The caller "
     "sees only what you send here, not your transcript. Pass its request_id; send done=false for "
     "a partial answer and keep going, done=true (the default) with the last part to end the "
     "caller's stream.",
     topic_hint::none, nats_reply_props, nats_reply_required, true},
}};

constexpr bool table_in_id_order() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (static_cast<std::size_t>(table[i].id) != i) return false;
  return true;
}
static_assert(table_in_id_order(), "tool_table entries must follow tool_id order");

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    json::append_quoted(out, s);
  }
  return out;
}

std::string hint_text(topic_hint hint, const topic_allowlist& allow) {
  if (hint == topic_hint::none) return {};
  std::string out;
  if (!allow.topics().empty()) out += " Configured topics: " + quoted_list(allow.topics()) + ".";
  if (hint == topic_hint::allowed && !allow.post_patterns().empty())
    out += " Also allowed (post/fetch only): any topic fully matching regex " +
           quoted_list(allow.post_patterns()) + ".";
  return out;
}

void write_property(json::writer& w, const tool_property& p, const topic_allowlist& allow) {
  w.key(p.name).begin_object();
  switch (p.kind) {
    case kind::topic:
      w.key("type").value("string");
      if (p.topic_enum && allow.post_patterns().empty() && !allow.topics().empty())
        w.key("enum").string_array(allow.topics());
      break;
    case kind::string:
      w.key("type").value("string");
      if (p.max_length > 0) w.key("maxLength").value(p.max_length);
      break;
    case kind::integer:
      w.key("type").value("integer");
      w.key(p.exclusive_minimum ? "exclusiveMinimum" : "minimum").value(p.minimum);
      break;
    case kind::boolean:
      w.key("type").value("boolean");
      if (p.default_value) w.key("default").value(*p.default_value);
      break;
  }
  w.key("description").value(p.description).end_object();
}

void write_tool(json::writer& w, const tool_spec& t, const topic_allowlist& allow) {
  w.begin_object().key("name").value(t.name);
  w.key("description").value(std::string(t.description) + hint_text(t.hint, allow));
  w.key("inputSchema").begin_object().key("type").value("object").key("properties").begin_object();
  for (const auto& p : t.properties) write_property(w, p, allow);
  w.end_object();  // properties
  w.key("required").begin_array();
  for (auto r : t.required) w.value(r);
  w.end_array();
  w.key("additionalProperties").value(false);
  w.key("$schema").value("http://json-schema.org/draft-07/schema#");
  w.end_object();  // inputSchema
  w.end_object();
}

}  // namespace

std::span<const tool_spec> tool_table() noexcept {
  return table;
}

const tool_spec& tool(tool_id id) noexcept {
  return table[static_cast<std::size_t>(id)];
}

std::optional<tool_id> find_tool(std::string_view name) noexcept {
  for (const auto& t : table)
    if (t.name == name) return t.id;
  return std::nullopt;
}

std::string tools_list(const topic_allowlist& allow, bool nats_reply) {
  json::writer w;
  w.begin_object().key("tools").begin_array();
  for (const auto& t : table)
    if (!t.nats_agent_only || nats_reply) write_tool(w, t, allow);
  w.end_array().end_object();
  return std::move(w).take();
}

}  // namespace parley::mcp
