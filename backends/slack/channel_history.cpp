#include "backends/slack/channel_history.hpp"

#include <algorithm>

namespace parley::slack {

namespace {

constexpr const char* page_size = "200";

std::string next_cursor_of(const slack_answer& a) {
  simdjson::dom::object meta;
  if (a.root()["response_metadata"].get_object().get(meta) != simdjson::SUCCESS) return {};
  return member_text(meta, "next_cursor");
}

}  // namespace

template <class Take>
result<void> channel_history::walk(const std::string& method, form_fields fields, Take&& take) {
  fields.emplace_back("channel", channel_);
  fields.emplace_back("limit", page_size);
  std::string next;
  do {
    form_fields f = fields;
    if (!next.empty()) f.emplace_back("cursor", next);
    auto a = api_.read(method, f);
    if (!a) return a.error();
    simdjson::dom::array messages;
    if (a->root()["messages"].get_array().get(messages) != simdjson::SUCCESS)
      return fail(errc::backend_unavailable, "Slack " + method + " → an answer without messages");
    for (auto el : messages) {
      simdjson::dom::object o;
      if (el.get_object().get(o) != simdjson::SUCCESS) continue;
      auto m = to_message(o, topic_, self_);
      if (m && !take(std::move(*m))) return {};
    }
    next = next_cursor_of(*a);
  } while (!next.empty());
  return {};
}

result<page> channel_history::newest(std::size_t limit) {
  std::vector<message> newest_first;
  auto walked = walk("conversations.history", {}, [&](message m) {
    newest_first.push_back(std::move(m));
    return newest_first.size() < limit;
  });
  if (!walked) return walked.error();
  page p;
  p.messages.assign(std::make_move_iterator(newest_first.rbegin()),
                    std::make_move_iterator(newest_first.rend()));
  p.next_cursor = p.messages.empty() ? cursor{"0"} : p.messages.back().cursor;
  return p;
}

result<std::vector<message>> channel_history::all_after(const std::string& since) {
  std::vector<message> newest_first;
  auto walked = walk("conversations.history", {{"oldest", since}}, [&](message m) {
    newest_first.push_back(std::move(m));
    return true;
  });
  if (!walked) return walked.error();
  return std::vector<message>(std::make_move_iterator(newest_first.rbegin()),
                              std::make_move_iterator(newest_first.rend()));
}

result<page> channel_history::after(const std::string& since, std::size_t limit) {
  auto all = all_after(since);
  if (!all) return all.error();
  page p;
  const std::size_t n = std::min(limit, all->size());
  p.messages.assign(std::make_move_iterator(all->begin()),
                    std::make_move_iterator(all->begin() + n));
  p.next_cursor = p.messages.empty() ? cursor{since} : p.messages.back().cursor;
  return p;
}

result<std::string> channel_history::latest_ts() {
  auto a = api_.read("conversations.history", {{"channel", channel_}, {"limit", "1"}});
  if (!a) return a.error();
  simdjson::dom::array messages;
  if (a->root()["messages"].get_array().get(messages) != simdjson::SUCCESS || messages.size() == 0)
    return std::string("0");
  simdjson::dom::object o;
  if (messages.at(0).get_object().get(o) != simdjson::SUCCESS) return std::string("0");
  auto ts = member_text(o, "ts");
  return ts.empty() ? std::string("0") : ts;
}

result<std::vector<message>> channel_history::thread(const std::string& parent_ts) {
  std::vector<message> out;
  auto walked = walk("conversations.replies", {{"ts", parent_ts}}, [&](message m) {
    if (m.backend_msg_id != parent_ts) out.push_back(std::move(m));
    return true;
  });
  if (!walked) return walked.error();
  return out;
}

}  // namespace parley::slack
