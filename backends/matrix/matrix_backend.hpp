#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <utility>
#include <string>

#include "backends/matrix/matrix_api.hpp"
#include "backends/matrix/matrix_config.hpp"
#include "backends/matrix/sync_feed.hpp"
#include "backends/matrix/transaction_inbox.hpp"
#include "backends/matrix/transaction_server.hpp"
#include "src/seam/backend_operations.hpp"

namespace parley::matrix {

/// The Matrix backend, in the original parley-matrix mapping over the
/// Client-Server API v3: one room per topic (alias `#parley_<topic>:<server>`,
/// resolved or created, memoized), the event id as id and cursor, catch-up
/// through /context and /messages, live delivery from one filtered /sync
/// long-poll per backend. Beyond the original: replies as `m.relates_to`,
/// and login with an access token. See README.md beside this file.
class matrix_backend final : public backend {
 public:
  matrix_backend();
  ~matrix_backend() override;

  PARLEY_BACKEND_OPERATIONS(matrix_config);

  /// The alias a topic's room has.
  [[nodiscard]] std::string alias_of(const std::string& topic) const;
  /// The room id of a topic, resolved (and created) on first use.
  [[nodiscard]] result<std::string> room_of(const std::string& topic);
  /// The MXID this backend posts as (in application-service mode: the
  /// appservice's sender, which creates and joins rooms).
  [[nodiscard]] const std::string& user_id() const noexcept;
  /// The port the appservice transaction listener bound, or 0.
  [[nodiscard]] int transaction_port() const noexcept;

 private:
  class room_subscription;

  /// In application-service mode: the user `handle` posts as, registered
  /// and joined to `room_id` on first use.
  [[nodiscard]] result<std::string> poster_in(const std::string& handle, const std::string& room_id);
  [[nodiscard]] result<void> start_listener();

  matrix_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  std::unique_ptr<matrix_api> api_;
  std::unique_ptr<sync_feed> feed_;
  std::unique_ptr<transaction_inbox> inbox_;
  std::unique_ptr<transaction_server> listener_;

  std::mutex rooms_mu_;
  std::map<std::string, std::string> rooms_;  // topic → room id
  std::set<std::string> registered_;            // appservice users
  std::set<std::pair<std::string, std::string>> joined_;  // (user, room)
};

}  // namespace parley::matrix
