#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/nats_agent/endpoint_stats.hpp"
#include "src/nats_agent/identity.hpp"

/// The NATS micro service every agent registers (docs/nats-agent-protocol.md, "The micro service"
/// and "Discovery and stats"). cnats 3.4 has no micro API, so this is the service as data plus the
/// exact `$SRV.PING|INFO|STATS` documents; the actor subscribes the subjects and
/// answers each request with the matching encode_* result.
namespace parley::nats_agent {

/// Ordered string→string pairs: micro metadata is map[string]string, and the
/// order we emit is the order given.
using string_pairs = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view service_name = "agents";
/// Queue group of both endpoints (advertised as `queue_group`).
inline constexpr std::string_view agents_queue_group = "agents";
inline constexpr std::string_view protocol_version = "0.3";

/// One endpoint as `$SRV.INFO` lists it.
struct endpoint_descriptor {
  std::string name;
  std::string subject;
  std::string queue_group{agents_queue_group};
  /// nullopt omits the key (what JS sends for the status endpoint).
  std::optional<string_pairs> metadata;
};

/// A registered service instance. `endpoints` is in registration order, the
/// order `$SRV.INFO` and `$SRV.STATS` list them.
struct service_descriptor {
  std::string name{service_name};
  /// Per-instance id (= heartbeat `instance_id`), `^[A-Za-z0-9_-]+$`.
  std::string id;
  /// SemVer of the harness, i.e. Parley's version (not the protocol's).
  std::string version;
  std::string description;
  string_pairs metadata;
  std::vector<endpoint_descriptor> endpoints;
};

/// Index of each endpoint in make_agent_service's descriptor, for stats.
inline constexpr std::size_t prompt_endpoint_index = 0;
inline constexpr std::size_t status_endpoint_index = 1;

/// What make_agent_service needs beyond the identity.
struct agent_service_options {
  identity id;
  std::string instance_id;
  std::string version;
  /// The effective limit (max_payload.hpp), advertised as e.g. `1MB`.
  std::uint64_t max_payload = 0;
  bool attachments_ok = true;
};

/// The v0.3 agent service: name `agents`, description `Parley — <session>`,
/// metadata `agent`, `owner`, `session`, `protocol_version: "0.3"` (in that
/// order, as the Claude Code channel), endpoints `prompt` (metadata
/// `max_payload`, `attachments_ok` `"true"|"false"`) then `status` (no
/// metadata key), both in queue group `agents`.
[[nodiscard]] service_descriptor make_agent_service(const agent_service_options& options);

/// A fresh instance id: 22 characters of `[0-9A-Za-z]` like a NUID, from
/// OpenSSL's generator (the OS's entropy when that refuses).
[[nodiscard]] std::string new_instance_id();

enum class srv_verb { ping, info, stats };

/// The nine control subjects to subscribe, without a queue group:
/// `$SRV.{PING,INFO,STATS}`, `.<name>` and `.<name>.<id>` for each verb.
[[nodiscard]] std::vector<std::string> srv_subjects(const service_descriptor& service);

/// Which verb one of the srv_subjects is, so one callback can serve all nine;
/// nullopt for any other subject.
[[nodiscard]] std::optional<srv_verb> match_srv_subject(std::string_view subject,
                                                        const service_descriptor& service);

/// `$SRV.PING` reply, compact, keys in JS order:
/// {"type":"io.nats.micro.v1.ping_response","name","id","version","metadata"}.
[[nodiscard]] std::string encode_ping(const service_descriptor& service);

/// `$SRV.INFO` reply: type, name, id, version, description, metadata,
/// endpoints[{subject, metadata?, name, queue_group}] (JS key order).
[[nodiscard]] std::string encode_info(const service_descriptor& service);

/// `$SRV.STATS` reply: type, name, id, version, started (RFC 3339, ms, `Z`),
/// metadata, endpoints[{name, subject, average_processing_time, last_error,
/// num_errors, num_requests, processing_time, queue_group}]. JS's order with
/// `last_error` in its alphabetical place; JS omits it until an error, the
/// schema requires it, so it is always there. `stats[i]` belongs to
/// `service.endpoints[i]`; a missing entry reports zeros.
[[nodiscard]] std::string encode_stats(const service_descriptor& service,
                                       const std::vector<endpoint_stats>& stats,
                                       std::int64_t started_epoch_ms);

/// The reply for `verb` (stats needs the counters and start time).
[[nodiscard]] std::string encode_srv_reply(srv_verb verb, const service_descriptor& service,
                                           const std::vector<endpoint_stats>& stats,
                                           std::int64_t started_epoch_ms);

}  // namespace parley::nats_agent
