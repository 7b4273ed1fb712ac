#include "actors/nats_agent/nats_link.hpp"

#include <caf/send.hpp>
#include <nats/nats.h>

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
  natsOptions* opts = nullptr;
  natsOptions_Create(&opts);
  std::vector<const char*> servers;
  for (const auto& url : s.servers) servers.push_back(url.c_str());
  natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  natsOptions_SetName(opts, s.client_name.c_str());
  if (!s.user.empty()) natsOptions_SetUserInfo(opts, s.user.c_str(), s.password.c_str());
  if (!s.token.empty()) natsOptions_SetToken(opts, s.token.c_str());
  if (!s.creds.empty()) natsOptions_SetUserCredentialsFromFiles(opts, s.creds.c_str(), nullptr);
  if (!s.tls_ca.empty() || !s.tls_cert.empty()) natsOptions_SetSecure(opts, true);
  if (!s.tls_ca.empty()) natsOptions_LoadCATrustedCertificates(opts, s.tls_ca.c_str());
  if (!s.tls_cert.empty() && !s.tls_key.empty())
    natsOptions_LoadCertificatesChain(opts, s.tls_cert.c_str(), s.tls_key.c_str());
  // An agent must come back after a server restart, however long it takes.
  natsOptions_SetMaxReconnect(opts, -1);
  natsOptions_SetReconnectWait(opts, 250);
  // Chunks are the caller's latency: do not wait for the flusher.
  natsOptions_SetSendAsap(opts, true);
  // Thousands of subscriptions (twelve per agent) share a delivery pool
  // instead of a thread each.
  natsOptions_UseGlobalMessageDelivery(opts, true);
  natsConnection* nc = nullptr;
  const natsStatus st = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (st != NATS_OK)
    return fail(errc::backend_unavailable,
                "nats_agent: cannot connect to NATS at " + (s.servers.empty() ? std::string("?") : s.servers.front()) +
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
