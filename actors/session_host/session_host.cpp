#include "actors/session_host/session_host.hpp"

namespace parley {

session_settings make_session_settings(const parley_config& cfg, const session_runtime& rt,
                                       session_spec spec) {
  session_settings ss;
  ss.id = spec.id;
  ss.profile = std::move(spec.profile);
  ss.output = std::move(spec.output);
  ss.router = rt.router;
  ss.backend_conn = rt.backend_conn;
  ss.state_writer = rt.state_writer;
  ss.server_version = rt.server_version;
  ss.sender_is_identity = rt.sender_is_identity;
  ss.metrics = rt.metrics;
  ss.live_push = spec.live_push;
  ss.catchup_on_start = cfg.catchup.on_start;
  ss.catchup_limit = cfg.catchup.limit;
  ss.read_state_path = std::move(spec.read_state_path);
  ss.initial_read_cursors = std::move(spec.read_cursors);
  ss.presence_enabled = spec.presence && cfg.presence.enabled;
  ss.presence_topic =
      spec.presence_topic.empty() ? cfg.presence.topic : std::move(spec.presence_topic);
  ss.heartbeat_ms = cfg.presence.heartbeat_ms;
  ss.ttl_ms = cfg.presence.ttl_ms;
  if (spec.config_permissions) {
    ss.approvers = cfg.permissions.approvers;
    ss.permission_timeout_ms = cfg.permissions.timeout_ms;
  }
  ss.max_input_bytes = spec.max_input_bytes;
  ss.spawn_nats_agent = std::move(spec.spawn_nats_agent);
  return ss;
}

result<std::shared_ptr<const session_profile>> top_level_profile(const parley_config& cfg) {
  auto allow = topic_allowlist::make(cfg.topics, cfg.post_topics, cfg.presence.topic);
  if (!allow) return allow.error();
  auto profile = std::make_shared<session_profile>();
  profile->handle = cfg.handle;
  profile->allow = std::move(*allow);
  profile->mention_filter = cfg.live_push.mention_filter;
  profile->echo_own_posts = cfg.live_push.echo_own_posts;
  profile->relay_topic = cfg.permissions.relay_topic;
  profile->block_max_ms = cfg.catchup.block_max_ms;
  return std::shared_ptr<const session_profile>(std::move(profile));
}

}  // namespace parley
