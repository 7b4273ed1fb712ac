#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "backends/matrix/room_event.hpp"
#include "backends/matrix/transaction_server.hpp"

namespace parley::matrix {

/// What an application service does with the transactions its homeserver
/// pushes (`PUT /_matrix/app/v1/transactions/{txnId}`): checks the
/// homeserver's token, answers a transaction seen before at once (the
/// homeserver retries until it gets a 2xx), and hands the events on, room by
/// room, in order.
class transaction_inbox {
 public:
  using deliver_fn = std::function<void(const std::string& room_id, std::vector<room_event> events)>;

  transaction_inbox(std::string hs_token, deliver_fn deliver);

  /// One request to the transaction server.
  [[nodiscard]] inbound_answer handle(const inbound_request& req);

 private:
  [[nodiscard]] bool seen(const std::string& txn_id);
  void remember(const std::string& txn_id);

  std::string hs_token_;
  deliver_fn deliver_;
  std::mutex mu_;
  std::set<std::string> txn_ids_;
  std::deque<std::string> txn_order_;
};

}  // namespace parley::matrix
