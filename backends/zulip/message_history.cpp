#include "backends/zulip/message_history.hpp"

#include "backends/zulip/zulip_message.hpp"
#include "src/util/log.hpp"

namespace parley::zulip {

result<history_page> message_history::read(const fields& window) {
  fields q{{"narrow", history_narrow(stream_, topic_)}, {"apply_markdown", "false"}};
  q.insert(q.end(), window.begin(), window.end());
  auto a = api_.get("/messages", q);
  if (!a) return a.error();
  const std::string label = zulip_api::label("GET", "/messages");
  simdjson::dom::array list;
  if (a->root()["messages"].get_array().get(list) != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, label + " → an answer without messages");
  history_page out;
  bool newest = false;
  if (a->root()["found_newest"].get_bool().get(newest) == simdjson::SUCCESS) out.found_newest = newest;
  for (auto el : list) {
    simdjson::dom::object obj;
    if (el.get_object().get(obj) != simdjson::SUCCESS) continue;
    std::int64_t id = 0;
    if (obj["id"].get_int64().get(id) == simdjson::SUCCESS && id > 0)
      out.last_id = std::max<std::uint64_t>(out.last_id, static_cast<std::uint64_t>(id));
    auto m = to_message(obj, topic_.value_or(""));
    if (!m) {
      log::warn("zulip", label + ": skipped a message that is not a usable stream message (id " +
                             std::to_string(id) + ")");
      continue;
    }
    out.messages.push_back(std::move(*m));
  }
  return out;
}

result<history_page> message_history::newest(std::size_t limit) {
  return read({{"anchor", "newest"},
               {"include_anchor", "true"},
               {"num_before", std::to_string(limit)},
               {"num_after", "0"}});
}

result<history_page> message_history::after(std::uint64_t id, std::size_t limit) {
  return read({{"anchor", std::to_string(id)},
               {"include_anchor", "false"},
               {"num_before", "0"},
               {"num_after", std::to_string(limit)}});
}

result<std::uint64_t> message_history::tail_id() {
  auto p = newest(1);
  if (!p) return p.error();
  return p->last_id;
}

}  // namespace parley::zulip
