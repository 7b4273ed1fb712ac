#include "backends/zulip/testing/fake_zulip.hpp"

#include <simdjson.h>

#include "src/json/writer.hpp"

namespace parley::zulip::testing {

namespace {

std::vector<std::string> argv_with(std::vector<std::string> extra) {
  std::vector<std::string> argv{"/usr/bin/python3", PARLEY_ZULIP_FAKE, "--port", "0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

fake_zulip::fake_zulip(std::vector<std::string> extra) : fake_service(argv_with(std::move(extra))) {}

std::string fake_zulip::post_as_human(const std::string& topic, const std::string& content,
                                      const std::string& stream) {
  json::writer w;
  w.begin_object().key("stream").value(stream).key("topic").value(topic).key("content").value(content).end_object();
  return member(control("POST", "post", std::move(w).take()), "id");
}

std::string fake_zulip::member(const std::string& json, const std::string& key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return {};
  simdjson::dom::element v;
  if (root[key].get(v) != simdjson::SUCCESS) return {};
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::to_string(v);
}

fake_zulip& shared_fake() {
  static fake_zulip fake;
  return fake;
}

}  // namespace parley::zulip::testing
