#include "actors/nats_agent/nats_link.hpp"

#include <caf/send.hpp>
#include <nats/nats.h>

#include "src/nats_client/client_options.hpp"

namespace parley {

namespace {

/// The callback's closure: who gets the messages. Freed by cnats' completion
/// callback, which runs after the last message callback has returned, so a
/// message in delivery never sees it freed.
struct delivery_target {
  caf::actor target;
  int tag = 0;
};

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* t = static_cast<delivery_target*>(closure);
  nats_inbound in;
  in.tag = t->tag;
  in.subject = natsMsg_GetSubject(msg);
  if (const char* reply = natsMsg_GetReply(msg)) in.reply = reply;
  if (const char* data = natsMsg_GetData(msg)) in.data.assign(data, static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  in.status_only = natsMsg_IsNoResponders(msg);
  natsMsg_Destroy(msg);
  caf::anon_send(t->target, std::move(in));
}

void on_complete(void* closure) { delete static_cast<delivery_target*>(closure); }

std::string status_text(natsStatus s) {
  std::string text = natsStatus_GetText(s);
  if (const char* last = nats_GetLastError(nullptr); last && *last) text += " (" + std::string(last) + ")";
  return text;
}

}  // namespace

nats_subscription::~nats_subscription() {
  if (!sub_) return;
  natsSubscription_Unsubscribe(sub_);
  natsSubscription_Destroy(sub_);
}

result<std::shared_ptr<nats_link>> nats_link::connect(const nats_link_settings& s) {
  // An agent must come back after a server restart, however long it takes.
  nats::client_policy policy;
  policy.client_name = s.client_name;
  policy.max_reconnect_attempts = -1;
  policy.reconnect_wait_ms = 250;
  natsOptions* opts = nats::make_client_options(s.connection, policy);
  if (!opts) return fail(errc::backend_unavailable, "nats_agent: cannot create NATS options: out of memory");
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (st != NATS_OK)
    return fail(errc::backend_unavailable,
                "nats_agent: cannot connect to NATS at " + (s.connection.servers.empty() ? std::string("?") : s.connection.servers.front()) +
                    ": " + status_text(st));
  return std::shared_ptr<nats_link>(new nats_link(nc));
}

nats_link::~nats_link() {
  close();
  natsConnection_Destroy(nc_);
}

result<std::unique_ptr<nats_subscription>> nats_link::subscribe(const std::string& subject, const std::string& queue,
                                                                caf::actor target, int tag) {
  auto* t = new delivery_target{std::move(target), tag};
  natsSubscription* sub = nullptr;
  natsStatus st = queue.empty()
                      ? natsConnection_Subscribe(&sub, nc_, subject.c_str(), on_message, t)
                      : natsConnection_QueueSubscribe(&sub, nc_, subject.c_str(), queue.c_str(), on_message, t);
  if (st != NATS_OK) {
    delete t;
    return fail(errc::backend_unavailable, "nats_agent: cannot subscribe to " + subject + ": " + status_text(st));
  }
  // Should it fail, the closure is never freed: a small leak, never a
  // use-after-free.
  (void)natsSubscription_SetOnCompleteCB(sub, on_complete, t);
  return std::make_unique<nats_subscription>(sub);
}

void nats_link::publish(const std::string& subject, std::string_view body) {
  natsConnection_Publish(nc_, subject.c_str(), body.data(), static_cast<int>(body.size()));
}

void nats_link::publish_request(const std::string& subject, const std::string& reply, std::string_view body) {
  natsConnection_PublishRequest(nc_, subject.c_str(), reply.c_str(), body.data(), static_cast<int>(body.size()));
}

void nats_link::publish(const std::string& subject, const nats_agent::frame& f) {
  if (f.headers.empty()) {
    publish(subject, f.body);
    return;
  }
  natsMsg* msg = nullptr;
  if (natsMsg_Create(&msg, subject.c_str(), nullptr, f.body.data(), static_cast<int>(f.body.size())) != NATS_OK)
    return;
  for (const auto& [key, value] : f.headers) natsMsgHeader_Set(msg, key.c_str(), value.c_str());
  natsConnection_PublishMsg(nc_, msg);
  natsMsg_Destroy(msg);
}

void nats_link::flush(std::int64_t timeout_ms) { natsConnection_FlushTimeout(nc_, timeout_ms); }

std::string nats_link::new_inbox() {
  natsInbox* inbox = nullptr;
  if (natsInbox_Create(&inbox) != NATS_OK) return {};
  std::string out = inbox;
  natsInbox_Destroy(inbox);
  return out;
}

std::uint64_t nats_link::max_payload() const {
  const std::int64_t m = natsConnection_GetMaxPayload(nc_);
  return m > 0 ? static_cast<std::uint64_t>(m) : 0;
}

void nats_link::close() {
  if (natsConnection_IsClosed(nc_)) return;
  // Drain: what was published reaches the server before the socket closes.
  natsConnection_FlushTimeout(nc_, 1000);
  natsConnection_Close(nc_);
}

}  // namespace parley
