#include "src/nats_client/client_options.hpp"

#include <nats/nats.h>

#include <vector>

namespace parley::nats {

namespace {

/// An unset or empty value is not given to cnats.
bool given(const std::optional<std::string>& v) { return v && !v->empty(); }

}  // namespace

natsOptions* make_client_options(const connection_settings& settings, const client_policy& policy) {
  natsOptions* opts = nullptr;
  if (natsOptions_Create(&opts) != NATS_OK) return nullptr;
  std::vector<const char*> servers;
  for (const auto& url : settings.servers) servers.push_back(url.c_str());
  natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  if (policy.client_name) natsOptions_SetName(opts, policy.client_name->c_str());
  if (given(settings.user))
    natsOptions_SetUserInfo(opts, settings.user->c_str(), settings.password ? settings.password->c_str() : "");
  if (given(settings.token)) natsOptions_SetToken(opts, settings.token->c_str());
  if (given(settings.creds)) natsOptions_SetUserCredentialsFromFiles(opts, settings.creds->c_str(), nullptr);
  if (given(settings.tls_ca) || given(settings.tls_cert)) natsOptions_SetSecure(opts, true);
  if (given(settings.tls_ca)) natsOptions_LoadCATrustedCertificates(opts, settings.tls_ca->c_str());
  if (given(settings.tls_cert) && given(settings.tls_key))
    natsOptions_LoadCertificatesChain(opts, settings.tls_cert->c_str(), settings.tls_key->c_str());
  natsOptions_SetMaxReconnect(opts, policy.max_reconnect_attempts);
  natsOptions_SetReconnectWait(opts, policy.reconnect_wait_ms);
  if (policy.reconnect_jitter_ms)
    natsOptions_SetReconnectJitter(opts, *policy.reconnect_jitter_ms, *policy.reconnect_jitter_ms);
  // Posts, chunks and live messages are latency-sensitive: do not wait for
  // the flusher (about 1 ms per publish otherwise).
  natsOptions_SetSendAsap(opts, true);
  // Many topics and thousands of agent subscriptions share one delivery
  // pool instead of a thread per subscription.
  natsOptions_UseGlobalMessageDelivery(opts, true);
  return opts;
}

}  // namespace parley::nats
