// The commands a person or a script runs in a terminal. They use the seam
// directly: one backend, no actors.
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>

#include "actors/cli/commands.hpp"
#include "actors/cli/setup.hpp"
#include "src/config/gateway_config.hpp"
#include "src/model/allowlist.hpp"

namespace parley::cli {

namespace {

void print_message(const message& m) {
  std::ostringstream line;
  line << m.timestamp << " #" << m.topic << " " << m.sender_handle << " [" << m.cursor.text << "]";
  if (m.in_reply_to) line << " ↳" << *m.in_reply_to;
  line << ": " << m.content << "\n";
  std::fputs(line.str().c_str(), stdout);
  std::fflush(stdout);
}

std::optional<std::string> require_topic(const command_line& cl, const parley_config& cfg) {
  if (cl.topic) return cl.topic;
  if (cfg.topics.size() == 1) return cfg.topics.front();
  std::fprintf(stderr, "parley: --topic is required (the config has %zu topics)\n", cfg.topics.size());
  return std::nullopt;
}

bool connect(backend& b, const parley_config& cfg) {
  if (auto r = b.connect(cfg.backend_config); !r) {
    std::fprintf(stderr, "parley: cannot connect the %s backend: %s\n", cfg.backend.c_str(),
                 r.error().message.c_str());
    return false;
  }
  return true;
}

bool allowed(const parley_config& cfg, const std::string& topic) {
  auto allow = topic_allowlist::make(cfg.topics, cfg.post_topics, cfg.presence.topic);
  if (allow && allow->allows(topic)) return true;
  std::fprintf(stderr, "parley: topic not allowed by this config: \"%s\"\n", topic.c_str());
  return false;
}

class printing_sink final : public subscription_sink {
 public:
  void on_message(message msg) override { print_message(msg); }
};

}  // namespace

int run_post(const command_line& cl) {
  auto setup = load(cl.config_path);
  if (!setup) return 1;
  auto topic = require_topic(cl, setup->cfg);
  if (!topic || !allowed(setup->cfg, *topic)) return 2;
  std::string content;
  if (cl.args.empty()) {
    content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (!content.empty() && content.back() == '\n') content.pop_back();
  } else {
    for (const auto& a : cl.args) content.append(content.empty() ? "" : " ").append(a);
  }
  if (!connect(*setup->plugin, setup->cfg)) return 1;
  auto id = setup->plugin->post({*topic, cl.as_handle.value_or(setup->cfg.handle), content, cl.reply_to});
  setup->plugin->disconnect();
  if (!id) {
    std::fprintf(stderr, "parley: post failed: %s\n", id.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", id->msg.backend_msg_id.c_str());
  return 0;
}

int run_tail(const command_line& cl) {
  block_shutdown_signals();
  auto setup = load(cl.config_path);
  if (!setup) return 1;
  auto topic = require_topic(cl, setup->cfg);
  if (!topic || !allowed(setup->cfg, *topic)) return 2;
  auto& b = *setup->plugin;
  if (!connect(b, setup->cfg)) return 1;
  printing_sink sink;
  std::unique_ptr<subscription> sub;
  if (cl.follow) {
    auto s = b.subscribe(*topic, sink);
    if (!s) {
      std::fprintf(stderr, "parley: cannot follow \"%s\": %s\n", topic->c_str(), s.error().message.c_str());
      return 1;
    }
    sub = std::move(*s);
  }
  fetch_request req;
  req.topic = *topic;
  req.limit = static_cast<std::size_t>(cl.limit.value_or(20));
  if (cl.since) req.since = cursor{*cl.since};
  auto p = b.fetch_recent(req);
  if (!p) {
    std::fprintf(stderr, "parley: %s\n", p.error().message.c_str());
    return 1;
  }
  for (const auto& m : p->messages) print_message(m);
  if (cl.follow) {
    std::fprintf(stderr, "parley: following \"%s\" (Ctrl-C to stop)\n", topic->c_str());
    (void)wait_for_shutdown_signal();
    sub.reset();
  }
  b.disconnect();
  return 0;
}

int run_hash_token(const command_line& cl) {
  if (cl.args.size() != 1 || cl.args[0].size() < 16) {
    std::fprintf(stderr, "usage: parley hash-token TOKEN   (a random token of at least 16 characters)\n");
    return 2;
  }
  std::printf("%s\n", token_digest(cl.args[0]).c_str());
  return 0;
}

int run_doctor(const command_line& cl) {
  auto setup = load(cl.config_path);
  if (!setup) return 1;
  const auto& cfg = setup->cfg;
  std::printf("config      %s: ok\n", cl.config_path.c_str());
  std::printf("identity    %s\n", cfg.handle.c_str());
  std::printf("backend     %s\n", cfg.backend.c_str());
  auto& b = *setup->plugin;
  if (!connect(b, cfg)) return 1;
  std::printf("connect     ok\n");
  int failures = 0;
  for (const auto& t : cfg.topics) {
    fetch_request req;
    req.topic = t;
    req.limit = 1;
    auto p = b.fetch_recent(req);
    if (p)
      std::printf("topic       %s: readable, tail cursor %s\n", t.c_str(),
                  p->next_cursor.empty() ? "(none yet)" : p->next_cursor.text.c_str());
    else
      std::printf("topic       %s: FAILED: %s\n", t.c_str(), p.error().message.c_str()), ++failures;
  }
  std::printf("live push   %s\n", cfg.live_push.enabled ? "on" : "off (set live_push.enabled: true)");
  std::printf("presence    %s on \"%s\"\n", cfg.presence.enabled ? "on" : "off", cfg.presence.topic.c_str());
  std::printf("permissions %s\n", cfg.permissions.relay_topic ? ("relayed to \"" + *cfg.permissions.relay_topic + "\"").c_str()
                                                               : "not relayed (no permissions.relay_topic)");
  b.disconnect();
  return failures == 0 ? 0 : 1;
}

}  // namespace parley::cli
