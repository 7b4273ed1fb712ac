#include "src/nats_agent/micro_service.hpp"

#include <openssl/rand.h>

#include <array>
#include <random>

#include "src/json/writer.hpp"
#include "src/nats_agent/max_payload.hpp"
#include "src/nats_agent/subjects.hpp"
#include "src/util/iso_time.hpp"

namespace parley::nats_agent {

namespace {

constexpr std::array<std::string_view, 3> verb_tokens = {"PING", "INFO", "STATS"};

void write_pairs(json::writer& w, const string_pairs& pairs) {
  w.begin_object();
  for (const auto& [k, v] : pairs) w.key(k).value(v);
  w.end_object();
}

void write_head(json::writer& w, std::string_view type, const service_descriptor& s) {
  w.begin_object();
  w.key("type").value(type);
  w.key("name").value(s.name);
  w.key("id").value(s.id);
  w.key("version").value(s.version);
}

/// Uniform random characters from `alphabet` (rejection sampling, no bias).
std::string random_string(std::string_view alphabet, std::size_t length) {
  const std::size_t limit = 256 - (256 % alphabet.size());
  std::string out;
  std::array<unsigned char, 64> buf{};
  while (out.size() < length) {
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
      thread_local std::mt19937_64 gen = [] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
      }();
      for (auto& b : buf) b = static_cast<unsigned char>(gen());
    }
    for (const unsigned char b : buf) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace

service_descriptor make_agent_service(const agent_service_options& o) {
  service_descriptor s;
  s.id = o.instance_id;
  s.version = o.version;
  s.description = "Parley \u2014 " + o.id.session;
  s.metadata = {{"agent", o.id.agent},
                {"owner", o.id.owner},
                {"session", o.id.session},
                {"protocol_version", std::string(protocol_version)}};
  endpoint_descriptor prompt;
  prompt.name = "prompt";
  prompt.subject = prompt_subject(o.id);
  prompt.metadata = string_pairs{{"max_payload", format_max_payload(o.max_payload)},
                                 {"attachments_ok", o.attachments_ok ? "true" : "false"}};
  endpoint_descriptor status;
  status.name = "status";
  status.subject = status_subject(o.id);
  s.endpoints = {std::move(prompt), std::move(status)};
  return s;
}

std::string new_instance_id() {
  return random_string("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 22);
}

std::vector<std::string> srv_subjects(const service_descriptor& s) {
  std::vector<std::string> out;
  for (const auto verb : verb_tokens) {
    const std::string base = "$SRV." + std::string(verb);
    out.push_back(base);
    out.push_back(base + "." + s.name);
    out.push_back(base + "." + s.name + "." + s.id);
  }
  return out;
}

std::optional<srv_verb> match_srv_subject(std::string_view subject, const service_descriptor& s) {
  constexpr std::string_view prefix = "$SRV.";
  if (subject.substr(0, prefix.size()) != prefix) return std::nullopt;
  subject.remove_prefix(prefix.size());
  for (std::size_t v = 0; v < verb_tokens.size(); ++v) {
    const auto verb = verb_tokens[v];
    if (subject.substr(0, verb.size()) != verb) continue;
    const std::string_view rest = subject.substr(verb.size());
    if (rest.empty() || rest == "." + s.name || rest == "." + s.name + "." + s.id)
      return static_cast<srv_verb>(v);
  }
  return std::nullopt;
}

std::string encode_ping(const service_descriptor& s) {
  json::writer w;
  write_head(w, "io.nats.micro.v1.ping_response", s);
  w.key("metadata");
  write_pairs(w, s.metadata);
  w.end_object();
  return std::move(w).take();
}

std::string encode_info(const service_descriptor& s) {
  json::writer w;
  write_head(w, "io.nats.micro.v1.info_response", s);
  w.key("description").value(s.description);
  w.key("metadata");
  write_pairs(w, s.metadata);
  w.key("endpoints").begin_array();
  for (const auto& ep : s.endpoints) {
    w.begin_object();
    w.key("subject").value(ep.subject);
    if (ep.metadata) {
      w.key("metadata");
      write_pairs(w, *ep.metadata);
    }
    w.key("name").value(ep.name);
    w.key("queue_group").value(ep.queue_group);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return std::move(w).take();
}

std::string encode_stats(const service_descriptor& s, const std::vector<endpoint_stats>& stats,
                         std::int64_t started_epoch_ms) {
  json::writer w;
  write_head(w, "io.nats.micro.v1.stats_response", s);
  w.key("started").value(iso8601_utc_ms(started_epoch_ms));
  w.key("metadata");
  write_pairs(w, s.metadata);
  w.key("endpoints").begin_array();
  const endpoint_stats zero;
  for (std::size_t i = 0; i < s.endpoints.size(); ++i) {
    const auto& ep = s.endpoints[i];
    const endpoint_stats& st = i < stats.size() ? stats[i] : zero;
    w.begin_object();
    w.key("name").value(ep.name);
    w.key("subject").value(ep.subject);
    w.key("average_processing_time").value(st.average_processing_time_ns());
    w.key("last_error").value(st.last_error());
    w.key("num_errors").value(static_cast<std::int64_t>(st.num_errors()));
    w.key("num_requests").value(static_cast<std::int64_t>(st.num_requests()));
    w.key("processing_time").value(st.processing_time_ns());
    w.key("queue_group").value(ep.queue_group);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return std::move(w).take();
}

std::string encode_srv_reply(srv_verb verb, const service_descriptor& s,
                             const std::vector<endpoint_stats>& stats,
                             std::int64_t started_epoch_ms) {
  switch (verb) {
    case srv_verb::ping:
      return encode_ping(s);
    case srv_verb::info:
      return encode_info(s);
    case srv_verb::stats:
      return encode_stats(s, stats, started_epoch_ms);
  }
  return encode_ping(s);
}

}  // namespace parley::nats_agent
