#include "src/nats_agent/control_plane.hpp"

#include <simdjson.h>

#include "src/json/writer.hpp"
#include "src/util/iso_time.hpp"

namespace parley::nats_agent {

namespace {

control_error make_error(control_error_code code, std::string message = {}) {
  control_error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

void write_summary(json::writer& w, const session_summary& s) {
  w.begin_object();
  w.key("sessionId").value(s.session_id);
  w.key("handle").value(s.state.handle);
  w.key("agent").value(s.agent);
  w.key("owner").value(s.owner);
  w.key("instanceId").value(s.instance_id);
  w.key("subject").value(s.subject);
  w.key("statusSubject").value(s.status_subject);
  w.key("heartbeatSubject").value(s.heartbeat_subject);
  w.key("state").value(s.state.busy ? "busy" : "idle");
  w.key("queueLength").value(s.state.queue_length);
  w.key("topics").string_array(s.state.topics);
  w.key("createdAt").value(iso8601_utc_ms(s.created_epoch_ms));
  w.key("lastActivity").value(iso8601_utc_ms(s.last_activity_epoch_ms));
  w.end_object();
}

}  // namespace

outcome<control_request, control_error> decode_control_request(std::string_view payload) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(payload.data(), payload.size()).get(root))
    return make_error(control_error_code::invalid_json, simdjson::error_message(err));
  simdjson::dom::object obj;
  if (root.get_object().get(obj))
    return make_error(control_error_code::invalid_request, "request must be a JSON object");

  simdjson::dom::element mode_el;
  if (obj["sessionMode"].get(mode_el) || mode_el.is_null())
    return make_error(control_error_code::invalid_request, "sessionMode required");
  std::string_view mode;
  if (mode_el.get_string().get(mode))
    return make_error(control_error_code::invalid_request, "sessionMode must be a string");

  control_request req;
  if (mode == "list") {
    req.mode = control_mode::list;
    return req;
  }
  if (mode == "inspect")
    req.mode = control_mode::inspect;
  else if (mode == "stop")
    req.mode = control_mode::stop;
  else {
    control_error e = make_error(control_error_code::invalid_session_mode);
    e.session_mode = std::string(mode);
    return e;
  }

  simdjson::dom::element id_el;
  if (obj["sessionId"].get(id_el) || id_el.is_null()) {
    control_error e = make_error(control_error_code::missing_fields);
    e.required = {"sessionId"};
    return e;
  }
  std::string_view id;
  if (id_el.get_string().get(id))
    return make_error(control_error_code::invalid_request, "sessionId must be a string");
  if (id.empty()) {
    control_error e = make_error(control_error_code::missing_fields);
    e.required = {"sessionId"};
    return e;
  }
  req.session_id = std::string(id);
  return req;
}

std::string_view to_string(control_error_code code) noexcept {
  switch (code) {
    case control_error_code::invalid_json:
      return "invalid_json";
    case control_error_code::invalid_request:
      return "invalid_request";
    case control_error_code::invalid_session_mode:
      return "invalid_sessionMode";
    case control_error_code::missing_fields:
      return "missing_fields";
    case control_error_code::not_found:
      return "not_found";
    case control_error_code::shutting_down:
      return "shutting_down";
  }
  return "invalid_request";
}

control_error not_found_error(std::string_view session_id) {
  control_error e = make_error(control_error_code::not_found);
  e.session_id = std::string(session_id);
  return e;
}

control_error shutting_down_error() {
  return make_error(control_error_code::shutting_down);
}

std::string encode_control_error(const control_error& err) {
  json::writer w;
  w.begin_object();
  w.key("error").value(to_string(err.code));
  switch (err.code) {
    case control_error_code::invalid_json:
    case control_error_code::invalid_request:
      w.key("message").value(err.message);
      break;
    case control_error_code::invalid_session_mode:
      w.key("sessionMode").value(err.session_mode);
      break;
    case control_error_code::missing_fields:
      w.key("required").string_array(err.required);
      break;
    case control_error_code::not_found:
      w.key("sessionId").value(err.session_id);
      break;
    case control_error_code::shutting_down:
      break;
  }
  w.end_object();
  return std::move(w).take();
}

std::string encode_session_list(const std::vector<session_summary>& sessions) {
  json::writer w;
  w.begin_object().key("sessions").begin_array();
  for (const auto& s : sessions) write_summary(w, s);
  w.end_array().end_object();
  return std::move(w).take();
}

std::string encode_session_inspect(const session_summary& session) {
  json::writer w;
  w.begin_object().key("session");
  write_summary(w, session);
  w.end_object();
  return std::move(w).take();
}

std::string encode_stop_result(std::string_view session_id) {
  json::writer w;
  w.begin_object().key("ok").value(true).key("sessionId").value(session_id).end_object();
  return std::move(w).take();
}

}  // namespace parley::nats_agent
