#include "src/nats_agent/heartbeat.hpp"

#include "src/json/writer.hpp"
#include "src/util/iso_time.hpp"

namespace parley::nats_agent {

namespace {

void write_fields(json::writer& w, const heartbeat& hb, std::int64_t now_epoch_ms) {
  w.key("agent").value(hb.agent);
  w.key("owner").value(hb.owner);
  w.key("instance_id").value(hb.instance_id);
  w.key("ts").value(iso8601_utc_ms(now_epoch_ms));
  w.key("interval_s").value(hb.interval_s);
  if (hb.session) w.key("session").value(*hb.session);
}

}  // namespace

heartbeat make_heartbeat(const identity& id, std::string instance_id, std::int64_t interval_s) {
  heartbeat hb;
  hb.agent = id.agent;
  hb.owner = id.owner;
  hb.instance_id = std::move(instance_id);
  hb.session = id.session;
  hb.interval_s = interval_s;
  return hb;
}

std::string encode_heartbeat(const heartbeat& hb, std::int64_t now_epoch_ms) {
  json::writer w;
  w.begin_object();
  write_fields(w, hb, now_epoch_ms);
  w.end_object();
  return std::move(w).take();
}

std::string encode_status(const heartbeat& hb, const session_state& state,
                          std::int64_t now_epoch_ms) {
  json::writer w;
  w.begin_object();
  write_fields(w, hb, now_epoch_ms);
  w.key("state").value(state.busy ? "busy" : "idle");
  w.key("queue_length").value(state.queue_length);
  w.key("handle").value(state.handle);
  w.key("topics").string_array(state.topics);
  w.end_object();
  return std::move(w).take();
}

}  // namespace parley::nats_agent
