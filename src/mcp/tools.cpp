#include "src/mcp/tools.hpp"

#include <simdjson.h>

#include <limits>

#include "src/json/writer.hpp"

namespace parley::mcp {

namespace {

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::string json_quoted(std::string_view s) {
  std::string out;
  json::append_quoted(out, s);
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out.append(out.empty() ? "" : ", ").append(json_quoted(s));
  return out;
}

// The original's describeAllowed fragment.
std::string describe_allowed(const topic_allowlist& allow) {
  std::string out;
  if (!allow.topics().empty()) out += " Configured topics: " + quoted_list(allow.topics()) + ".";
  if (!allow.post_patterns().empty())
    out += " Also allowed (post/fetch only): any topic fully matching regex " +
           quoted_list(allow.post_patterns()) + ".";
  return out;
}

// Reads typed arguments, collecting the first problem as the error text.
class arg_reader {
 public:
  arg_reader(std::optional<simdjson::dom::object> args, std::string& error)
      : args_(args), error_(error) {}

  std::optional<std::string> string(std::string_view key, bool required) {
    simdjson::dom::element el;
    if (!find(key, el)) {
      if (required) fail("missing required argument '" + std::string(key) + "'");
      return std::nullopt;
    }
    std::string_view v;
    if (el.get_string().get(v) != simdjson::SUCCESS) {
      fail("argument '" + std::string(key) + "' must be a string");
      return std::nullopt;
    }
    return std::string(v);
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min) {
    simdjson::dom::element el;
    if (!find(key, el)) return std::nullopt;
    std::int64_t v = 0;
    double d = 0;
    if (el.get_int64().get(v) != simdjson::SUCCESS) {
      // 5.0 is an integer in JSON Schema; 5.5 and "5" are not.
      if (el.get_double().get(d) == simdjson::SUCCESS && d == static_cast<double>(static_cast<std::int64_t>(d)) &&
          d >= -9.2e18 && d <= 9.2e18) {
        v = static_cast<std::int64_t>(d);
      } else if (el.is_uint64()) {
        v = std::numeric_limits<std::int64_t>::max();
      } else {
        fail("argument '" + std::string(key) + "' must be an integer");
        return std::nullopt;
      }
    }
    if (v < min) {
      fail("argument '" + std::string(key) + "' must be >= " + std::to_string(min));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(std::string_view key) {
    simdjson::dom::element el;
    if (!find(key, el)) return std::nullopt;
    bool b = false;
    if (el.get_bool().get(b) != simdjson::SUCCESS) {
      fail("argument '" + std::string(key) + "' must be a boolean");
      return std::nullopt;
    }
    return b;
  }

 private:
  // Absent arguments read as absent keys.
  bool find(std::string_view key, simdjson::dom::element& el) {
    return args_ && (*args_)[key].get(el) == simdjson::SUCCESS && !el.is_null();
  }
  void fail(std::string text) {
    if (error_.empty()) error_ = "Invalid arguments: " + std::move(text);
  }
  std::optional<simdjson::dom::object> args_;
  std::string& error_;
};

void topic_property(json::writer& w, const topic_allowlist& allow, std::string_view description,
                    bool allow_enum) {
  w.key("topic").begin_object().key("type").value("string");
  if (allow_enum && allow.post_patterns().empty() && !allow.topics().empty())
    w.key("enum").string_array(allow.topics());
  w.key("description").value(description).end_object();
}

void string_property(json::writer& w, std::string_view name, std::string_view description) {
  w.key(name).begin_object().key("type").value("string").key("description").value(description).end_object();
}

void integer_property(json::writer& w, std::string_view name, std::int64_t minimum, bool exclusive,
                      std::string_view description) {
  w.key(name).begin_object().key("type").value("integer");
  w.key(exclusive ? "exclusiveMinimum" : "minimum").value(minimum);
  w.key("description").value(description).end_object();
}

void schema_footer(json::writer& w, std::initializer_list<std::string_view> required) {
  w.end_object();  // properties
  w.key("required").begin_array();
  for (auto r : required) w.value(r);
  w.end_array();
  w.key("additionalProperties").value(false);
  w.key("$schema").value("http://json-schema.org/draft-07/schema#");
  w.end_object();  // inputSchema
}

}  // namespace

tool_call decode_tool_call(std::string_view params_json) {
  tool_call call;
  simdjson::dom::element root;
  simdjson::dom::object params;
  if (params_json.empty() ||
      thread_parser().parse(params_json.data(), params_json.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(params) != simdjson::SUCCESS) {
    call.error = "Invalid params: expected {name, arguments}";
    return call;
  }
  std::string_view name;
  if (params["name"].get_string().get(name) != simdjson::SUCCESS) {
    call.error = "Invalid params: missing tool name";
    return call;
  }
  call.name = std::string(name);
  std::optional<simdjson::dom::object> args;
  simdjson::dom::element args_el;
  if (params["arguments"].get(args_el) == simdjson::SUCCESS && !args_el.is_null()) {
    simdjson::dom::object obj;
    if (args_el.get_object().get(obj) != simdjson::SUCCESS) {
      call.error = "Invalid arguments: arguments must be an object";
      return call;
    }
    args = obj;
  }
  arg_reader r(args, call.error);
  if (name == tool_fetch_recent) {
    fetch_recent_args a;
    a.topic = r.string("topic", true).value_or("");
    a.since = r.string("since", false);
    a.limit = r.integer("limit", 1);
    a.block_ms = r.integer("block_ms", 0);
    call.args = std::move(a);
  } else if (name == tool_post || name == tool_reply) {
    post_args a;
    a.topic = r.string("topic", true).value_or("");
    a.content = r.string("content", true).value_or("");
    a.in_reply_to = r.string("in_reply_to", false);
    a.reply = name == tool_reply;
    call.args = std::move(a);
  } else if (name == tool_list_users) {
    list_users_args a;
    a.filter = r.string("filter", false);
    if (a.filter && a.filter->size() > 256 && call.error.empty())
      call.error = "Invalid arguments: argument 'filter' must be at most 256 characters";
    a.topic = r.string("topic", false);
    a.online_only = r.boolean("online_only").value_or(false);
    a.since_ms = r.integer("since_ms", 1);
    a.limit = r.integer("limit", 1);
    call.args = std::move(a);
  } else if (name == tool_nats_reply) {
    nats_reply_args a;
    a.request_id = r.string("request_id", true).value_or("");
    a.text = r.string("text", true).value_or("");
    a.done = r.boolean("done").value_or(true);
    call.args = std::move(a);
  } else {
    call.error = "MCP error -32602: Tool " + call.name + " not found";
  }
  return call;
}

std::string tools_list_result(const topic_allowlist& allow, bool nats_reply) {
  const std::string allowed = describe_allowed(allow);
  const std::string configured =
      allow.topics().empty() ? std::string() : " Configured topics: " + quoted_list(allow.topics()) + ".";
  json::writer w;
  w.begin_object().key("tools").begin_array();

  w.begin_object().key("name").value(tool_fetch_recent);
  w.key("description").value(
      "Read a topic's history from the durable backend. Pass a cursor as `since` to get only "
      "messages after it; omit it for the most recent window. Returns { messages, nextCursor }: "
      "keep nextCursor and pass it as `since` next time. Call it per topic when a session starts "
      "and whenever you need to catch up. With `block_ms` and a `since` at the end of the topic, "
      "the call waits (capped by the server) for the next message before returning." + allowed);
  w.key("inputSchema").begin_object().key("type").value("object").key("properties").begin_object();
  topic_property(w, allow, "The topic to read; it must be allowed for this session.", true);
  string_property(w, "since", "Cursor from an earlier call; only messages after it are returned. Omit for the recent window.");
  integer_property(w, "limit", 0, true, "The most messages to return (default 100).");
  integer_property(w, "block_ms", 0, false,
                   "How long to wait for a new message when nothing is newer than `since`, in ms. "
                   "The server caps it. 0 or absent: answer at once.");
  schema_footer(w, {"topic"});
  w.end_object();

  w.begin_object().key("name").value(tool_post);
  w.key("description").value(
      "Publish a message to a topic on the durable backend, where people and other agent sessions "
      "read it. Use it to start a thread, report results, or hand work to someone else. Returns "
      "{ backendMsgId }." + allowed);
  w.key("inputSchema").begin_object().key("type").value("object").key("properties").begin_object();
  topic_property(w, allow, "The topic to post to; it must be allowed for this session.", true);
  string_property(w, "content", "The message text.");
  string_property(w, "in_reply_to", "Optional backendMsgId of the message this one answers.");
  schema_footer(w, {"topic", "content"});
  w.end_object();

  w.begin_object().key("name").value(tool_reply);
  w.key("description").value(
      "Answer a message that arrived as a <channel> event, in the topic it came from. The reply is "
      "stored durably, so it survives restarts and appears in everyone's catch-up. Returns "
      "{ backendMsgId }." + configured);
  w.key("inputSchema").begin_object().key("type").value("object").key("properties").begin_object();
  topic_property(w, allow, "The topic of the message you are answering.", false);
  string_property(w, "content", "The reply text.");
  string_property(w, "in_reply_to", "Optional msg_id of the message you are answering.");
  schema_footer(w, {"topic", "content"});
  w.end_object();

  w.begin_object().key("name").value(tool_list_users);
  w.key("description").value(
      "Who can be reached for a hand-off: peers that are online or were seen recently, most "
      "recent first, each with the topics they listen to and the topics they may post to. By "
      "default peers that share a topic with you (pass `topic` to ask about one topic); "
      "`online_only` hides offline peers; `since_ms` (default 24 hours) bounds how long ago an "
      "offline peer was seen; `limit` caps the list; `filter` is a handle glob (* and ?). People "
      "in chat apps appear once they have spoken. Returns { users: [{ handle, online, topics, "
      "postTopics, lastSeenMs }], truncated }; truncated means older presence records were not "
      "read." + configured);
  w.key("inputSchema").begin_object().key("type").value("object").key("properties").begin_object();
  w.key("filter").begin_object().key("type").value("string").key("maxLength").value(256);
  w.key("description").value("Handle glob: * matches any run, ? one character.").end_object();
  string_property(w, "topic", "Only peers reachable on this topic.");
  w.key("online_only").begin_object().key("type").value("boolean");
  w.key("description").value("Only peers online now.").end_object();
  integer_property(w, "since_ms", 0, true, "Drop offline peers last seen longer ago than this (ms).");
  integer_property(w, "limit", 0, true, "The most peers to return.");
  schema_footer(w, {});
  w.end_object();

  if (nats_reply) {
    // The reference channel's schema: done defaults to true.
    w.begin_object().key("name").value(tool_nats_reply);
    w.key("description").value(
        "Answer a request that arrived from NATS as a <channel request_id=\"...\"> event. The caller sees only what you send here, not your transcript. Pass its request_id; "
        "send done=false for a partial answer and keep going, done=true (the default) with the "
        "last part to end the caller's stream.");
    w.key("inputSchema").begin_object().key("type").value("object").key("properties").begin_object();
    string_property(w, "request_id", "The request_id of the channel event you are answering.");
    string_property(w, "text", "The text to send (may be empty when only ending the stream).");
    w.key("done").begin_object().key("type").value("boolean").key("default").value(true);
    w.key("description").value("End the caller's stream after this text.").end_object();
    schema_footer(w, {"request_id", "text"});
    w.end_object();
  }

  w.end_array().end_object();
  return std::move(w).take();
}

std::string tool_result(std::string_view pretty_json) {
  json::writer w;
  w.begin_object().key("content").begin_array().begin_object();
  w.key("type").value("text").key("text").value(pretty_json).end_object().end_array().end_object();
  return std::move(w).take();
}

std::string tool_error(std::string_view text) {
  json::writer w;
  w.begin_object().key("content").begin_array().begin_object();
  w.key("type").value("text").key("text").value(text).end_object().end_array();
  w.key("isError").value(true).end_object();
  return std::move(w).take();
}

std::string render_page(const page& p) {
  json::writer w(2);
  w.begin_object().key("messages").begin_array();
  for (const auto& m : p.messages) {
    w.begin_object();
    w.key("topic").value(m.topic).key("senderHandle").value(m.sender_handle);
    w.key("content").value(m.content).key("timestamp").value(m.timestamp);
    w.key("backendMsgId").value(m.backend_msg_id).key("cursor").value(m.cursor.text);
    w.key("mentions").string_array(m.mentions);
    if (m.in_reply_to) w.key("inReplyTo").value(*m.in_reply_to);
    w.end_object();
  }
  w.end_array().key("nextCursor").value(p.next_cursor.text).end_object();
  return std::move(w).take();
}

std::string render_post(std::string_view backend_msg_id) {
  json::writer w(2);
  w.begin_object().key("backendMsgId").value(backend_msg_id).end_object();
  return std::move(w).take();
}

std::string render_roster(const std::vector<presence::peer>& users, bool truncated) {
  json::writer w(2);
  w.begin_object().key("users").begin_array();
  for (const auto& u : users) {
    w.begin_object().key("handle").value(u.handle).key("online").value(u.online);
    w.key("topics").string_array(u.topics).key("postTopics").string_array(u.post_topics);
    w.key("lastSeenMs").value(u.last_seen_ms).end_object();
  }
  w.end_array().key("truncated").value(truncated).end_object();
  return std::move(w).take();
}

std::string topic_not_allowed(std::string_view topic) { return "topic not allowed: " + json_quoted(topic); }

}  // namespace parley::mcp
