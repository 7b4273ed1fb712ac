#include "actors/transport/http/secured_exchange.hpp"

namespace parley::http {

void secured_exchange::respond(response r) {
  add_security_headers(r.header);
  inner_->respond(std::move(r));
}

std::shared_ptr<event_stream> secured_exchange::open_stream(headers extra) {
  add_security_headers(extra);
  return inner_->open_stream(std::move(extra));
}

void secured_exchange::add_security_headers(headers& h) {
  h.emplace_back("x-frame-options", "DENY");
  h.emplace_back("content-security-policy", "frame-ancestors 'none'");
  h.emplace_back("referrer-policy", "no-referrer");
  h.emplace_back("strict-transport-security", "max-age=31536000; includeSubDomains");
  h.emplace_back("x-content-type-options", "nosniff");
}

}  // namespace parley::http
