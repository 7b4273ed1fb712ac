#include "tests/support/fake_service.hpp"

#include <simdjson.h>

#include <stdexcept>

namespace parley::testing {

fake_service::fake_service(std::vector<std::string> argv)
    : process_(std::move(argv)), url_("http://127.0.0.1:" + std::to_string(process_.port())) {}

fake_service::~fake_service() { client_.stop(); }

std::string fake_service::call(const std::string& method, const std::string& path, const std::string& json_body) {
  http::http_request req;
  req.method = method;
  req.url = url_ + path;
  req.body = json_body;
  if (!json_body.empty()) req.content_type = "application/json";
  req.label = "fake " + method + " " + path;
  auto r = client_.send(req);
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->ok()) throw std::runtime_error(req.label + " → " + std::to_string(r->status) + ": " + r->body);
  return r->body;
}

std::string fake_service::member(const std::string& json, const std::string& key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return {};
  simdjson::dom::element v;
  if (root[key].get(v) != simdjson::SUCCESS) return {};
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::to_string(v);
}

}  // namespace parley::testing
