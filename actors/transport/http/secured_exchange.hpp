#pragma once

#include <memory>

#include "actors/transport/http/http_server.hpp"

namespace parley::http {

/// An exchange whose every answer carries the headers a browser needs to
/// keep a page of this server safe: never framed, no
/// referrer, HTTPS remembered, no content sniffing.
class secured_exchange final : public exchange {
 public:
  explicit secured_exchange(std::shared_ptr<exchange> inner) : inner_(std::move(inner)) {}
  void respond(response r) override;
  [[nodiscard]] std::shared_ptr<event_stream> open_stream(headers extra) override;

  /// Adds those headers to `h`.
  static void add_security_headers(headers& h);

 private:
  std::shared_ptr<exchange> inner_;
};

}  // namespace parley::http
