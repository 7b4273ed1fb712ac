#include "src/nats_agent/agent_config.hpp"

#include "src/nats_agent/max_payload.hpp"
#include "src/nats_agent/tokens.hpp"

namespace parley::nats_agent {

namespace {

using config::map_reader;

/// Caller silence budget (SDK stall timeout): keep-alives must come sooner.
constexpr std::int64_t max_keepalive_s = 59;
constexpr std::int64_t max_interval_s = 86'400;
/// Largest max_payload a NATS server accepts (its own hard limit, 64 MiB).
constexpr std::uint64_t max_max_payload = 64ull * 1024 * 1024;

std::vector<std::string> split_servers(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(start, end - start);
    const auto first = part.find_first_not_of(" \t");
    const auto last = part.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(part.substr(first, last - first + 1));
    start = end + 1;
  }
  return out;
}

std::optional<std::string> token_key(map_reader& r, std::string_view key) {
  auto v = r.string(key, false);
  if (!v) return std::nullopt;
  if (auto ok = validate_token(*v, r.path_of(key)); !ok) {
    const std::string& m = ok.error().message;
    r.report(key, m.substr(m.find(": ") + 2));
    return std::nullopt;
  }
  return v;
}

void parse_max_payload_key(map_reader& r, agent_config& out) {
  const config::value* v = r.get("max_payload");
  if (!v) return;
  std::optional<std::uint64_t> bytes;
  if (auto i = v->as_int()) {
    if (*i > 0) bytes = static_cast<std::uint64_t>(*i);
  } else if (v->is_scalar()) {
    bytes = parse_max_payload(v->text());
  }
  if (!bytes) {
    r.report(
        "max_payload",
        "expected a positive number of bytes or a size like 256KB or 1MB, got '" + v->text() + "'");
    return;
  }
  if (*bytes > max_max_payload) {
    r.report("max_payload", "must be at most 64MB (the NATS server's own limit)");
    return;
  }
  out.max_payload = bytes;
}

}  // namespace

agent_config parse_agent_config(const config::value& block, std::string path,
                                std::vector<config::problem>& problems) {
  agent_config out;
  map_reader r(block, std::move(path), problems);
  if (!block.is_map()) return out;  // absent/null: disabled; other: reported by the reader
  out.enabled = r.boolean("enabled").value_or(true);

  if (auto servers = r.string_list("servers", true)) {
    for (const auto& s : *servers)
      for (auto& part : split_servers(s)) out.servers.push_back(std::move(part));
    if (out.servers.empty()) r.report("servers", "must name at least one server");
  }
  if (auto ctx = r.string("context", false)) {
    if (ctx->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos ||
        ctx->front() == '.')
      r.report("context", "must be a context name, not a path: '" + *ctx + "'");
    else
      out.context = std::move(*ctx);
  }
  if (auto a = token_key(r, "agent")) out.agent = std::move(*a);
  out.owner = token_key(r, "owner");
  out.session = token_key(r, "session");
  parse_max_payload_key(r, out);
  if (auto b = r.boolean("attachments_ok")) out.attachments_ok = *b;
  if (auto h = r.integer("heartbeat_s", 1, max_interval_s)) out.heartbeat_s = *h;
  if (auto k = r.integer("keepalive_s", 1, max_keepalive_s)) out.keepalive_s = *k;
  if (auto m = r.integer("max_pending_age_s", 1, max_interval_s)) out.max_pending_age_s = *m;
  if (auto q = r.integer("query_timeout_s", 1, max_interval_s)) out.query_timeout_s = *q;
  if (auto l = r.boolean("legacy_v02")) out.legacy_v02 = *l;
  r.finish();
  return out;
}

}  // namespace parley::nats_agent
