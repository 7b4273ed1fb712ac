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

fetch_recent_args read_fetch_recent(arg_reader& r) {
  fetch_recent_args a;
  a.topic = r.string("topic", true).value_or("");
  a.since = r.string("since", false);
  a.limit = r.integer("limit", 1);
  a.block_ms = r.integer("block_ms", 0);
  return a;
}

post_args read_post(arg_reader& r, bool reply) {
  post_args a;
  a.topic = r.string("topic", true).value_or("");
  a.content = r.string("content", true).value_or("");
  a.in_reply_to = r.string("in_reply_to", false);
  a.reply = reply;
  return a;
}

list_users_args read_list_users(arg_reader& r, std::string& error) {
  list_users_args a;
  a.filter = r.string("filter", false);
  if (a.filter && a.filter->size() > 256 && error.empty())
    error = "Invalid arguments: argument 'filter' must be at most 256 characters";
  a.topic = r.string("topic", false);
  a.online_only = r.boolean("online_only").value_or(false);
  a.since_ms = r.integer("since_ms", 1);
  a.limit = r.integer("limit", 1);
  return a;
}

nats_reply_args read_nats_reply(arg_reader& r) {
  nats_reply_args a;
  a.request_id = r.string("request_id", true).value_or("");
  a.text = r.string("text", true).value_or("");
  a.done = r.boolean("done").value_or(true);
  return a;
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
  call.id = find_tool(name);
  if (!call.id) {
    call.error = "MCP error -32602: Tool " + call.name + " not found";
    return call;
  }
  switch (*call.id) {
    case tool_id::fetch_recent:
      call.args = read_fetch_recent(r);
      break;
    case tool_id::post:
    case tool_id::reply:
      call.args = read_post(r, *call.id == tool_id::reply);
      break;
    case tool_id::list_users:
      call.args = read_list_users(r, call.error);
      break;
    case tool_id::nats_reply:
      call.args = read_nats_reply(r);
      break;
  }
  return call;
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
