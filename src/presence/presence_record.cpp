#include "src/presence/presence_record.hpp"

#include <sys/random.h>
#include <simdjson.h>

#include <array>
#include <cmath>
#include <limits>
#include <random>

#include "src/json/writer.hpp"
#include "src/util/utf8.hpp"

namespace parley::presence {

namespace {

/// The original's SEC-03 (docs/parley-behavior.md, "Lessons from the original"): a beat stamped
/// further ahead than this is dropped, not clamped; a clamp would let a forged beat keep a handle
/// "online" for as long as it likes.
constexpr std::int64_t max_future_skew_ms = 300'000;
/// The original's SEC-09: what one untrusted beat may make us store.
constexpr std::size_t max_list_entries = 64;
/// The caps are JavaScript `length`s, i.e. UTF-16 code units.
constexpr std::size_t max_topic_units = 512;
constexpr std::size_t max_instance_id_units = 128;
/// `at` values below this are stored as this. It keeps `now - at` free of
/// overflow and changes no outcome: such a beat is stale under any window.
constexpr std::int64_t min_at_ms = -(std::int64_t{1} << 62);

std::string_view kind_name(beat_kind k) noexcept {
  switch (k) {
    case beat_kind::hello:
      return "hello";
    case beat_kind::heartbeat:
      return "heartbeat";
    case beat_kind::goodbye:
      return "goodbye";
  }
  return "hello";
}

std::optional<beat_kind> parse_kind(simdjson::dom::element el) {
  std::string_view s;
  if (el.get_string().get(s)) return std::nullopt;
  if (s == "hello") return beat_kind::hello;
  if (s == "heartbeat") return beat_kind::heartbeat;
  if (s == "goodbye") return beat_kind::goodbye;
  return std::nullopt;
}

/// `v === 2` in JavaScript: any JSON number equal to 2 (`2`, `2.0`, `2e0`).
bool is_version_2(simdjson::dom::element el) {
  std::int64_t i = 0;
  double d = 0;
  switch (el.type()) {
    case simdjson::dom::element_type::INT64:
      return !el.get_int64().get(i) && i == 2;
    case simdjson::dom::element_type::DOUBLE:
      return !el.get_double().get(d) && d == 2.0;
    default:
      return false;
  }
}

/// `at` as whole milliseconds, or nullopt when it is not a number or lies
/// more than max_future_skew_ms ahead of `now_ms`.
///
/// A fractional `at` (JavaScript allows one) is rounded up: with integer
/// `now`, ttl and since, `now - ceil(at) < ttl` holds exactly when
/// `now - at < ttl` does, and likewise for the skew and since_ms tests, so the
/// roster decides every case as the original would.
std::optional<std::int64_t> decode_at(simdjson::dom::element el, std::int64_t now_ms) {
  const std::int64_t limit = now_ms > std::numeric_limits<std::int64_t>::max() - max_future_skew_ms
                                 ? std::numeric_limits<std::int64_t>::max()
                                 : now_ms + max_future_skew_ms;
  switch (el.type()) {
    case simdjson::dom::element_type::INT64: {
      std::int64_t at = 0;
      if (el.get_int64().get(at) || at > limit) return std::nullopt;
      return std::max(at, min_at_ms);
    }
    case simdjson::dom::element_type::UINT64:
      // Only integers above INT64_MAX are typed UINT64: far in the future.
      return std::nullopt;
    case simdjson::dom::element_type::DOUBLE: {
      double at = 0;
      if (el.get_double().get(at) || !std::isfinite(at) || at > static_cast<double>(limit)) {
        return std::nullopt;
      }
      const double whole = std::ceil(at);
      if (whole <= static_cast<double>(min_at_ms)) return min_at_ms;
      // Also keeps the cast in range when `limit` is not exact as a double.
      if (whole >= static_cast<double>(limit)) return limit;
      return static_cast<std::int64_t>(whole);
    }
    default:
      return std::nullopt;
  }
}

/// An array of non-empty strings, with over-long strings dropped and the rest
/// cut to max_list_entries; nullopt when the value is not such an array. Every
/// element is checked even past the cap, as the original's `every` does.
std::optional<std::vector<std::string>> decode_topic_list(simdjson::dom::element el) {
  simdjson::dom::array arr;
  if (el.get_array().get(arr)) return std::nullopt;
  std::vector<std::string> out;
  for (simdjson::dom::element item : arr) {
    std::string_view s;
    if (item.get_string().get(s) || s.empty()) return std::nullopt;
    if (out.size() < max_list_entries && utf8::utf16_length(s) <= max_topic_units)
      out.emplace_back(s);
  }
  return out;
}

std::optional<record> decode_unchecked(std::string_view content, std::int64_t now_ms) {
  // One parser per thread: it keeps its buffers between beats. Everything
  // taken from the document is copied out before the next parse.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(content.data(), content.size()).get(root)) return std::nullopt;
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return std::nullopt;

  // JSON.parse keeps the last of repeated keys; simdjson's lookup would find
  // the first, so walk the fields instead.
  std::optional<simdjson::dom::element> v, kind, at, topics, post_topics, instance_id;
  for (simdjson::dom::key_value_pair field : obj) {
    if (field.key == "v") {
      v = field.value;
    } else if (field.key == "kind") {
      kind = field.value;
    } else if (field.key == "at") {
      at = field.value;
    } else if (field.key == "topics") {
      topics = field.value;
    } else if (field.key == "postTopics") {
      post_topics = field.value;
    } else if (field.key == "instanceId") {
      instance_id = field.value;
    }
  }

  if (!v || !is_version_2(*v)) return std::nullopt;
  if (!kind || !at || !topics) return std::nullopt;
  record r;
  const auto k = parse_kind(*kind);
  if (!k) return std::nullopt;
  r.kind = *k;
  const auto at_ms = decode_at(*at, now_ms);
  if (!at_ms) return std::nullopt;
  r.at_ms = *at_ms;
  auto topic_list = decode_topic_list(*topics);
  if (!topic_list) return std::nullopt;
  r.topics = std::move(*topic_list);

  // The additive fields degrade instead of rejecting: a beat from an older or
  // sloppier emitter is still a liveness signal.
  if (post_topics) {
    if (auto list = decode_topic_list(*post_topics)) r.post_topics = std::move(*list);
  }
  std::string_view id;
  if (instance_id && !instance_id->get_string().get(id)) {
    r.instance_id = std::string(utf8::utf16_prefix(id, max_instance_id_units));
  }
  return r;
}

}  // namespace

std::string encode(const record& r) {
  json::writer w;
  w.begin_object()
      .key("v")
      .value(2)
      .key("kind")
      .value(kind_name(r.kind))
      .key("at")
      .value(r.at_ms)
      .key("topics")
      .string_array(r.topics)
      .key("postTopics")
      .string_array(r.post_topics)
      .key("instanceId")
      .value(r.instance_id)
      .end_object();
  return std::move(w).take();
}

std::optional<record> decode(std::string_view content, std::int64_t now_ms) {
  // Presence content is written by anyone who can post to the topic: no input
  // may crash or throw out of here (allocation failure included).
  try {
    return decode_unchecked(content, now_ms);
  } catch (...) {
    return std::nullopt;
  }
}

std::string new_instance_id() {
  std::array<unsigned char, 16> bytes{};
  if (getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    // The kernel's generator can refuse (interrupted, or too early at boot);
    // the id only has to differ between processes, so random_device will do.
    thread_local std::mt19937_64 gen = [] {
      std::random_device rd;
      std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
      return std::mt19937_64(seq);
    }();
    for (auto& b : bytes) b = static_cast<unsigned char>(gen());
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[bytes[i] >> 4]);
    out.push_back(hex[bytes[i] & 0x0F]);
  }
  return out;
}

}  // namespace parley::presence
