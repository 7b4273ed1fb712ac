#include "backends/matrix/transaction_inbox.hpp"

#include "src/json/document.hpp"
#include "src/util/log.hpp"

namespace parley::matrix {

namespace {

/// Transaction ids remembered: the homeserver retries only its newest.
constexpr std::size_t remembered_txns = 4096;

inbound_answer error_answer(int status, const char* errcode, const char* text) {
  return {status, std::string(R"({"errcode":")") + errcode + R"(","error":")" + text + "\"}"};
}

/// Compares without stopping at the first difference, so that the time an
/// answer takes says nothing about the token.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || b.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

transaction_inbox::transaction_inbox(std::string hs_token, deliver_fn deliver)
    : hs_token_(std::move(hs_token)), deliver_(std::move(deliver)) {}

bool transaction_inbox::seen(const std::string& txn_id) {
  std::lock_guard lock(mu_);
  return txn_ids_.count(txn_id) > 0;
}

void transaction_inbox::remember(const std::string& txn_id) {
  std::lock_guard lock(mu_);
  if (!txn_ids_.insert(txn_id).second) return;
  txn_order_.push_back(txn_id);
  if (txn_order_.size() > remembered_txns) {
    txn_ids_.erase(txn_order_.front());
    txn_order_.pop_front();
  }
}

inbound_answer transaction_inbox::handle(const inbound_request& req) {
  static const std::string prefix = "/_matrix/app/v1/transactions/";
  const std::string path = req.target.substr(0, req.target.find('?'));
  if (req.method != "PUT" || path.rfind(prefix, 0) != 0 || path.size() == prefix.size())
    return error_answer(404, "M_UNRECOGNIZED", "Unrecognized request");
  if (req.authorization.rfind("Bearer ", 0) != 0)
    return error_answer(401, "M_UNAUTHORIZED", "Missing token");
  if (!same_secret(req.authorization.substr(7), hs_token_)) return error_answer(403, "M_FORBIDDEN", "Bad token");
  const std::string txn_id = path.substr(prefix.size());
  if (seen(txn_id)) return {};
  auto doc = json::document::parse(req.body, "appservice transaction " + txn_id, json::lenient_object);
  auto events = doc ? json::array_of(doc->object(), "events") : std::nullopt;
  if (!events) {
    // Answered 2xx all the same: the homeserver would resend it unchanged
    // forever and hold back every transaction after it.
    log::warn("matrix", "skipping appservice transaction " + txn_id + ": not a transaction body");
    remember(txn_id);
    return {};
  }
  std::size_t skipped = 0;
  auto all = read_events(*events, skipped);
  if (skipped > 0) log::warn("matrix", "transaction " + txn_id + ": skipped " + std::to_string(skipped) + " unreadable event(s)");
  std::vector<room_event> run;
  for (auto& ev : all) {
    if (!run.empty() && run.front().room_id != ev.room_id) {
      const std::string room = run.front().room_id;  // `run` moves away below
      deliver_(room, std::move(run));
      run.clear();
    }
    run.push_back(std::move(ev));
  }
  if (!run.empty()) {
    const std::string room = run.front().room_id;
    deliver_(room, std::move(run));
  }
  remember(txn_id);
  return {};
}

}  // namespace parley::matrix
