#include "actors/testing/fake_backend_actor.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "src/model/mentions.hpp"

namespace parley::testing {

namespace {

caf::behavior fake_backend(caf::event_based_actor*, std::shared_ptr<fake_store> store) {
  return {
      [store](post_cmd& cmd) -> post_result {
        ++store->posts;
        message m;
        m.topic = cmd.req.topic;
        m.sender_handle = cmd.req.identity;
        m.content = cmd.req.content;
        m.backend_msg_id = std::to_string(store->next_id++);
        m.cursor = cursor{m.backend_msg_id};
        m.mentions = parse_mentions(m.content);
        m.in_reply_to = cmd.req.in_reply_to;
        auto& all = store->topics[m.topic];
        std::optional<cursor> previous;
        if (store->knows_previous) previous = all.empty() ? cursor{"0"} : all.back().cursor;
        all.push_back(m);
        if (store->deliver_live_on_post)
          for (auto& s : store->subscribers[m.topic]) caf::anon_send(s, live_message{m});
        return stored_post{std::move(m), std::move(previous)};
      },
      [store](fetch_cmd& cmd) -> fetch_result {
        ++store->fetches;
        if (auto hook = std::exchange(store->before_next_fetch, nullptr)) hook();
        auto& all = store->topics[cmd.req.topic];
        page p;
        std::size_t start = 0;
        if (cmd.req.since) {
          const auto since = std::stoll(cmd.req.since->text);
          while (start < all.size() && std::stoll(all[start].backend_msg_id) <= since) ++start;
          p.next_cursor = *cmd.req.since;
        } else {
          start = all.size() > cmd.req.limit ? all.size() - cmd.req.limit : 0;
          p.next_cursor = cursor{"0"};
        }
        for (std::size_t i = start; i < all.size() && p.messages.size() < cmd.req.limit; ++i)
          p.messages.push_back(all[i]);
        if (!p.messages.empty()) p.next_cursor = p.messages.back().cursor;
        return p;
      },
      [store](subscribe_cmd& cmd) -> subscribe_result {
        store->subscribers[cmd.topic].push_back(cmd.target);
        return live_handle{};
      },
  };
}

}  // namespace

caf::actor spawn_fake_backend(caf::actor_system& sys, std::shared_ptr<fake_store> store) {
  return sys.spawn(fake_backend, std::move(store));
}

void deliver_live(const std::shared_ptr<fake_store>& store, const std::string& topic, std::size_t index) {
  const auto& m = store->topics[topic].at(index);
  for (auto& s : store->subscribers[topic]) caf::anon_send(s, live_message{m});
}

}  // namespace parley::testing
