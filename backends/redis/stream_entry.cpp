#include "backends/redis/stream_entry.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>

#include "src/model/mentions.hpp"

namespace parley::redis {

namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<stream_id> stream_id::parse(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto ms = parse_u64(text.substr(0, dash));
  auto seq = parse_u64(text.substr(dash + 1));
  if (!ms || !seq) return std::nullopt;
  return stream_id{*ms, *seq};
}

std::string stream_id::to_string() const {
  return std::to_string(ms) + "-" + std::to_string(seq);
}

command_args xadd_command(const std::string& key, const post_request& req, const std::string& ts,
                          std::optional<std::int64_t> minid_cutoff_ms) {
  command_args args;
  args.reserve(14);
  args.emplace_back("XADD");
  args.push_back(key);
  if (minid_cutoff_ms) {
    args.emplace_back("MINID");
    args.emplace_back("~");
    args.push_back(std::to_string(std::max<std::int64_t>(*minid_cutoff_ms, 0)));
  }
  args.emplace_back("*");
  args.emplace_back("sender");
  args.push_back(req.identity);
  args.emplace_back("content");
  args.push_back(req.content);
  args.emplace_back("ts");
  args.push_back(ts);
  args.emplace_back("in_reply_to");
  args.push_back(req.in_reply_to.value_or(std::string{}));
  return args;
}

std::optional<stream_id> entry_id(const redisReply& entry) {
  if (entry.type != REDIS_REPLY_ARRAY || entry.elements < 1 || !entry.element[0])
    return std::nullopt;
  return stream_id::parse(text_of(*entry.element[0]));
}

std::optional<message> entry_to_message(const std::string& topic, const redisReply& entry) {
  auto id = entry_id(entry);
  if (!id) return std::nullopt;
  message m;
  m.topic = topic;
  m.backend_msg_id = std::string(text_of(*entry.element[0]));
  m.cursor = parley::cursor{m.backend_msg_id};
  std::string in_reply_to;
  if (entry.elements >= 2 && entry.element[1] && entry.element[1]->type == REDIS_REPLY_ARRAY) {
    const redisReply& fields = *entry.element[1];
    for (std::size_t i = 0; i + 1 < fields.elements; i += 2) {
      if (!fields.element[i] || !fields.element[i + 1]) continue;
      const std::string_view name = text_of(*fields.element[i]);
      const std::string_view value = text_of(*fields.element[i + 1]);
      if (name == "sender")
        m.sender_handle = value;
      else if (name == "content")
        m.content = value;
      else if (name == "ts")
        m.timestamp = value;
      else if (name == "in_reply_to")
        in_reply_to = value;
    }
  }
  if (!in_reply_to.empty()) m.in_reply_to = std::move(in_reply_to);
  m.mentions = parse_mentions(m.content);
  return m;
}

}  // namespace parley::redis
