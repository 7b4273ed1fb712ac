#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/xmpp/xmpp_config.hpp"
#include "backends/xmpp/xmpp_link.hpp"
#include "src/seam/backend_operations.hpp"

namespace parley::xmpp {

/// The XMPP backend, in the original parley-xmpp mapping: one MUC room per
/// topic, the room's XEP-0359 stanza-id as id and cursor, catch-up from the
/// room's archive (XEP-0313), the occupant nick as sender. One connection per
/// backend (xmpp_link). See README.md beside this file.
class xmpp_backend final : public backend {
 public:
  xmpp_backend();
  ~xmpp_backend() override;

  PARLEY_BACKEND_OPERATIONS(xmpp_config);

  /// The room a topic maps to.
  [[nodiscard]] std::string room_of(const std::string& topic) const;
  /// Reconnects that resumed the stream (a test hook).
  [[nodiscard]] int stream_resumptions() const noexcept { return link_ ? link_->resumptions() : 0; }
  /// The nick this connection posts as.
  [[nodiscard]] const std::string& nick() const noexcept { return cfg_.nick; }

 private:
  struct room_listener {
    std::string topic;
    subscription_sink* sink;
  };
  class room_subscription;

  [[nodiscard]] result<void> enter(const std::string& room);
  [[nodiscard]] result<archive_result> query(const std::string& room, const archive_page& page);
  [[nodiscard]] result<page> fetch_newest(const fetch_request& req, const std::string& room, std::size_t limit);
  [[nodiscard]] result<page> fetch_after(const fetch_request& req, const std::string& room, std::size_t limit);
  void deliver(const room_message& m);
  void report_gap(const std::string& room);
  void unsubscribe(const std::string& room, subscription_sink* sink);

  xmpp_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  std::unique_ptr<xmpp_link> link_;

  std::mutex listeners_mu_;
  std::map<std::string, std::vector<room_listener>> listeners_;  // by room
};

}  // namespace parley::xmpp
