#include "actors/transport/http/streamable_http.hpp"

#include <caf/all.hpp>

#include <cstdlib>
#include <optional>
#include <vector>

#include "actors/messages.hpp"
#include "src/mcp/jsonrpc.hpp"
#include "src/mcp/protocol.hpp"

namespace parley::streamable_http {

namespace {

bool contains(const std::string* header, std::string_view needle) {
  return header && header->find(needle) != std::string::npos;
}

/// A POST body, read far enough to know what the session owes.
struct post_body {
  mcp::decoded decoded;
  /// The ids of the requests (and of unreadable parts that have one): the
  /// answers the POST waits for. Empty: notifications only (202).
  std::vector<std::string> ids;
  bool initialize = false;
};

/// The headers a POST must carry, then its body; or the refusal.
std::variant<post_body, http::response> read_post(const http::request& req) {
  if (!contains(req.find("content-type"), "application/json"))
    return json_error(415, -32000, "Unsupported Media Type: Content-Type must be application/json");
  const auto* accept = req.find("accept");
  if (!contains(accept, "application/json") || !contains(accept, "text/event-stream"))
    return json_error(406, -32000,
                      "Not Acceptable: Accept must list application/json and text/event-stream");
  post_body body;
  body.decoded = mcp::decode(req.body);
  const auto& decoded = body.decoded;
  if (decoded.messages.empty() && !decoded.failures.empty()) {
    const auto& f = decoded.failures.front();
    return http::response{400,
                          {{"content-type", "application/json"}},
                          mcp::error_response(f.id_json, f.code, f.message)};
  }
  for (const auto& m : decoded.messages) {
    if (m.type == mcp::rpc_message::kind::request) body.ids.push_back(m.id_json);
    if (m.method == "initialize") body.initialize = true;
  }
  for (const auto& f : decoded.failures)
    if (f.id_json != "null") body.ids.push_back(f.id_json);
  return body;
}

/// The session a POST goes to: a new one for a lone `initialize` without
/// Mcp-Session-Id, else the one it names; or the refusal.
std::variant<std::shared_ptr<session>, http::response> session_for_post(
    const http::request& req, const post_body& body, session_directory& sessions) {
  const auto* sid = req.find("mcp-session-id");
  if (!sid) {
    if (!body.initialize || body.decoded.messages.size() != 1)
      return json_error(400, -32000, "Bad Request: Mcp-Session-Id header is required");
    return sessions.open();
  }
  if (body.initialize)
    return json_error(400, -32600, "Invalid Request: the session is already initialized");
  auto s = sessions.find(*sid);
  if (!s) return json_error(404, -32001, "Session not found");
  if (const auto* v = req.find("mcp-protocol-version"); v && mcp::negotiate_version(*v) != *v)
    return json_error(400, -32000, "Bad Request: unsupported MCP-Protocol-Version " + *v);
  return s;
}

/// Hands the body to the session; the POST is answered 202 at once
/// (notifications only) or with the answers once all arrived.
void deliver(const session& s, const post_body& body, std::string text,
             const std::shared_ptr<http::exchange>& ex) {
  if (body.ids.empty()) {
    caf::anon_send(s.actor, rpc_input{std::move(text)});
    ex->respond({202, {{"mcp-session-id", s.id}}, ""});
    return;
  }
  const bool batch = body.decoded.batch;
  s.output->expect(body.ids, [ex, batch, session_header = s.id](
                                 std::vector<std::shared_ptr<const std::string>> answers) {
    std::string out;
    if (batch) {
      out = "[";
      for (std::size_t i = 0; i < answers.size(); ++i) out.append(i ? "," : "").append(*answers[i]);
      out += "]";
    } else {
      out = *answers.front();
    }
    ex->respond({200,
                 {{"content-type", "application/json"}, {"mcp-session-id", session_header}},
                 std::move(out)});
  });
  caf::anon_send(s.actor, rpc_input{std::move(text)});
}

void post(http::request req, const std::shared_ptr<http::exchange>& ex,
          session_directory& sessions) {
  auto read = read_post(req);
  if (auto* refusal = std::get_if<http::response>(&read)) {
    ex->respond(std::move(*refusal));
    return;
  }
  const auto& body = std::get<post_body>(read);
  auto target = session_for_post(req, body, sessions);
  if (auto* refusal = std::get_if<http::response>(&target)) {
    ex->respond(std::move(*refusal));
    return;
  }
  deliver(*std::get<std::shared_ptr<session>>(target), body, std::move(req.body), ex);
}

/// The session a GET or DELETE names, or nullptr after answering 400/404.
std::shared_ptr<session> session_of(const http::request& req,
                                    const std::shared_ptr<http::exchange>& ex,
                                    session_directory& sessions) {
  const auto* sid = req.find("mcp-session-id");
  if (!sid) {
    ex->respond(json_error(400, -32000, "Bad Request: Mcp-Session-Id header is required"));
    return nullptr;
  }
  auto s = sessions.find(*sid);
  if (!s) ex->respond(json_error(404, -32001, "Session not found"));
  return s;
}

void get(const http::request& req, const std::shared_ptr<http::exchange>& ex,
         session_directory& sessions) {
  if (!contains(req.find("accept"), "text/event-stream")) {
    ex->respond(json_error(406, -32000, "Not Acceptable: Accept must list text/event-stream"));
    return;
  }
  auto s = session_of(req, ex, sessions);
  if (!s) return;
  if (s->output->streaming()) {
    // Streamable HTTP allows one standalone stream per session.
    ex->respond(json_error(409, -32000, "Conflict: this session already has an open event stream"));
    return;
  }
  std::optional<std::uint64_t> last;
  if (const auto* l = req.find("last-event-id")) last = std::strtoull(l->c_str(), nullptr, 10);
  auto stream = ex->open_stream({{"mcp-session-id", s->id}});
  if (!stream) return;
  if (!s->output->attach(stream, last)) stream->close();  // lost a race with another GET
}

void del(const http::request& req, const std::shared_ptr<http::exchange>& ex,
         session_directory& sessions) {
  auto s = session_of(req, ex, sessions);
  if (!s) return;
  sessions.end(*s);
  ex->respond({200, {}, ""});
}

}  // namespace

http::response json_error(int status, int code, const std::string& message) {
  return {
      status, {{"content-type", "application/json"}}, mcp::error_response("null", code, message)};
}

void serve(http::request req, const std::shared_ptr<http::exchange>& ex,
           session_directory& sessions) {
  if (req.method == "POST")
    post(std::move(req), ex, sessions);
  else if (req.method == "GET")
    get(req, ex, sessions);
  else if (req.method == "DELETE")
    del(req, ex, sessions);
  else
    ex->respond({405, {{"allow", "GET, POST, DELETE"}}, ""});
}

}  // namespace parley::streamable_http
