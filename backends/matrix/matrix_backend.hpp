#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "backends/matrix/matrix_api.hpp"
#include "backends/matrix/matrix_config.hpp"
#include "backends/matrix/sync_feed.hpp"
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
  /// The MXID this backend posts as.
  [[nodiscard]] const std::string& user_id() const noexcept;

 private:
  class room_subscription;

  matrix_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  std::unique_ptr<matrix_api> api_;
  std::unique_ptr<sync_feed> feed_;

  std::mutex rooms_mu_;
  std::map<std::string, std::string> rooms_;  // topic → room id
};

}  // namespace parley::matrix
