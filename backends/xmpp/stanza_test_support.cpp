#include "backends/xmpp/stanza_test_support.hpp"

#include <catch2/catch.hpp>

namespace parley::xmpp::testing {

stanza_context::stanza_context() {
  xmpp_initialize();
  ctx_ = xmpp_ctx_new(nullptr, nullptr);
}

stanza_context::~stanza_context() { xmpp_ctx_free(ctx_); }

stanza_ptr stanza_context::parse(const std::string& xml) const {
  stanza_ptr s(xmpp_stanza_new_from_string(ctx_, xml.c_str()));
  REQUIRE(s != nullptr);
  return s;
}

std::string stanza_context::text(xmpp_stanza_t* s) {
  char* buf = nullptr;
  std::size_t len = 0;
  REQUIRE(xmpp_stanza_to_text(s, &buf, &len) == XMPP_EOK);
  std::string out(buf, len);
  xmpp_free(xmpp_stanza_get_context(s), buf);
  return out;
}

}  // namespace parley::xmpp::testing
