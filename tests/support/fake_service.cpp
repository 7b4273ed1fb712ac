#include "tests/support/fake_service.hpp"

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

}  // namespace parley::testing
