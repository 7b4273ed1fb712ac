#include "src/mcp/jsonrpc.hpp"

#include <simdjson.h>

#include "src/json/writer.hpp"

namespace parley::mcp {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// One parser per thread: the parser's buffers grow to the largest message
// seen, so sharing it per thread instead of per session bounds memory.
simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

void decode_one(simdjson::dom::element el, decoded& out) {
  using namespace simdjson;
  dom::object obj;
  if (el.get_object().get(obj) != SUCCESS) {
    out.failures.push_back({rpc_code::invalid_request, "Invalid Request: expected a JSON-RPC object", "null"});
    return;
  }
  std::string id_json;
  dom::element id_el;
  const bool has_id = obj["id"].get(id_el) == SUCCESS;
  if (has_id) {
    if (id_el.is_string() || id_el.is_int64() || id_el.is_uint64()) {
      id_json = simdjson::minify(id_el);
    } else if (!id_el.is_null()) {
      out.failures.push_back({rpc_code::invalid_request, "Invalid Request: id must be a string or an integer", "null"});
      return;
    }
  }
  std::string_view version;
  if (obj["jsonrpc"].get_string().get(version) != SUCCESS || version != "2.0") {
    out.failures.push_back({rpc_code::invalid_request, "Invalid Request: jsonrpc must be \"2.0\"",
                            id_json.empty() ? "null" : id_json});
    return;
  }
  std::string_view method;
  auto method_err = obj["method"].get_string().get(method);
  if (method_err != SUCCESS) {
    // No method: a response to a request of ours (we send none), or junk.
    if (has_id && (obj["result"].error() == SUCCESS || obj["error"].error() == SUCCESS)) {
      out.messages.push_back({rpc_message::kind::response, id_json, "", ""});
      return;
    }
    out.failures.push_back({rpc_code::invalid_request, "Invalid Request: method must be a string",
                            id_json.empty() ? "null" : id_json});
    return;
  }
  if (has_id && id_json.empty()) {
    out.failures.push_back({rpc_code::invalid_request, "Invalid Request: id must not be null", "null"});
    return;
  }
  rpc_message msg;
  msg.type = has_id ? rpc_message::kind::request : rpc_message::kind::notification;
  msg.id_json = std::move(id_json);
  msg.method = std::string(method);
  dom::element params;
  if (obj["params"].get(params) == SUCCESS && !params.is_null()) {
    if (!params.is_object()) {
      if (msg.type == rpc_message::kind::request)
        out.failures.push_back({rpc_code::invalid_params, "Invalid params: params must be an object", msg.id_json});
      return;
    }
    msg.params_json = simdjson::minify(params);
  }
  out.messages.push_back(std::move(msg));
}

}  // namespace

decoded decode(std::string_view text) {
  using namespace simdjson;
  decoded out;
  text = trim(text);
  dom::element root;
  auto err = thread_parser().parse(text.data(), text.size()).get(root);
  if (err != SUCCESS) {
    std::string why = err == UTF8_ERROR ? "Parse error: invalid UTF-8" : std::string("Parse error: ") + error_message(err);
    out.failures.push_back({rpc_code::parse_error, std::move(why), "null"});
    return out;
  }
  dom::array arr;
  if (root.get_array().get(arr) == SUCCESS) {
    out.batch = true;
    if (arr.size() == 0) {
      out.failures.push_back({rpc_code::invalid_request, "Invalid Request: empty batch", "null"});
      return out;
    }
    for (dom::element item : arr) decode_one(item, out);
    return out;
  }
  decode_one(root, out);
  return out;
}

std::string result_response(std::string_view id_json, std::string_view result_json) {
  std::string out;
  out.reserve(result_json.size() + id_json.size() + 32);
  out.append(R"({"jsonrpc":"2.0","id":)").append(id_json).append(R"(,"result":)");
  out.append(result_json).push_back('}');
  return out;
}

std::string error_response(std::string_view id_json, int code, std::string_view message) {
  json::writer w;
  w.begin_object().key("jsonrpc").value("2.0").key("id").raw(id_json.empty() ? "null" : id_json);
  w.key("error").begin_object().key("code").value(code).key("message").value(message).end_object();
  w.end_object();
  return std::move(w).take();
}

std::string notification(std::string_view method, std::string_view params_json) {
  std::string out;
  out.reserve(params_json.size() + method.size() + 40);
  out.append(R"({"jsonrpc":"2.0","method":)");
  json::append_quoted(out, method);
  out.append(R"(,"params":)").append(params_json).push_back('}');
  return out;
}

}  // namespace parley::mcp
