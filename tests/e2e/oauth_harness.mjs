// The gateway with its OAuth front door (docs/features.md, "Owners and the OAuth front door"): a
// multi-owner config, an OAuthClientProvider for the official SDK client, and the consent form
// submitted the way a browser would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { run, sleep, watchStderr, writeConfig, PARLEY_BIN } from './harness.mjs';

export const OWNERS = {
  alice: { secret: 'alice-correct-horse-battery', handle: 'alice' },
  bob: { secret: 'bob-staple-tangerine-lamp', handle: 'bob' },
};

/** Starts `parley serve` with owners alice and bob, each in their own namespace. */
export async function startOAuthGateway(dir, { accessTtl = 3600, extra = '', listen = '127.0.0.1:0', profileExtra = '' } = {}) {
  const hashes = {};
  for (const [name, o] of Object.entries(OWNERS)) hashes[name] = (await run(['hash-secret', o.secret])).stdout.trim().split('\n').at(-1);
  const cfg = writeConfig(dir, 'oauth-gateway.yaml', `gateway:
  listen: ${listen}
  oauth:
    access_ttl_s: ${accessTtl}
owners:
  alice:
    secret_hash: "${hashes.alice}"
    namespace: alice
    profiles:
      default: {handle: alice, topics: [general, alice-only]${profileExtra}}
  bob:
    secret_hash: "${hashes.bob}"
    namespace: bob
    max_sessions: 3
    profiles:
      default: {handle: bob, topics: [general]${profileExtra}}
backend_config:
  db_path: ${join(dir, 'parley.db')}
${extra}`);
  return spawnGateway(dir, cfg);
}

export async function spawnGateway(dir, cfg, env = {}) {
  const p = spawn(PARLEY_BIN, ['serve', '--config', cfg], {
    env: { ...process.env, XDG_STATE_HOME: join(dir, 'state'), ...env },
  });
  const stderr = watchStderr(p.stderr);
  const exited = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
  const re = /listening on http:\/\/127\.0\.0\.1:(\d+)/;
  for (let i = 0; i < 300 && !re.test(stderr()); i++) await sleep(20);
  const m = re.exec(stderr());
  if (!m) throw new Error(`gateway did not start:\n${stderr()}`);
  const origin = `http://127.0.0.1:${m[1]}`;
  return {
    p, origin, url: `${origin}/mcp`, exited, stderr,
    async stop() { p.kill('SIGTERM'); return exited; },
  };
}

/** An OAuthClientProvider kept in memory, as a headless MCP client would. */
export class MemoryProvider {
  constructor(redirect = 'http://127.0.0.1:1/callback') {
    this._redirect = redirect;
    this._state = randomBytes(8).toString('hex');
    this.authorizationUrl = undefined;
  }
  get redirectUrl() { return this._redirect; }
  get clientMetadata() {
    return {
      client_name: 'parley e2e client',
      redirect_uris: [this._redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() { return this._state; }
  clientInformation() { return this._client; }
  saveClientInformation(c) { this._client = c; }
  tokens() { return this._tokens; }
  saveTokens(t) { this._tokens = t; }
  redirectToAuthorization(url) { this.authorizationUrl = new URL(url); }
  saveCodeVerifier(v) { this._verifier = v; }
  codeVerifier() { return this._verifier; }
}

/** The consent page of `authorizationUrl`: its HTML, the CSRF cookie and hidden fields. */
export async function openConsent(authorizationUrl) {
  const r = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await r.text();
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  const field = (name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  return { status: r.status, html, cookie, request: field('request'), csrf: field('csrf') };
}

/** Signs in on the consent page; resolves the response (302 with code and state on success). */
export async function submitConsent(origin, page, { owner, secret, profile = 'default', csrf, cookie } = {}) {
  const body = new URLSearchParams({
    request: page.request, csrf: csrf ?? page.csrf, owner, secret, profile, decision: 'approve',
  });
  return fetch(`${origin}/authorize/consent`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie ?? page.cookie, origin },
    body,
  });
}

/**
 * The whole flow with the official SDK: connect (401) → metadata → register →
 * authorize (consent submitted here) → finishAuth → connect again.
 */
export async function connectAs(gw, owner, { provider = new MemoryProvider() } = {}) {
  const first = new StreamableHTTPClientTransport(new URL(gw.url), { authProvider: provider });
  const probe = new Client({ name: 'oauth-e2e', version: '0.0.1' }, { capabilities: {} });
  let unauthorized = false;
  try { await probe.connect(first); } catch (e) { unauthorized = /Unauthorized/i.test(String(e?.name) + String(e?.message)); }
  if (!unauthorized || !provider.authorizationUrl) throw new Error('expected the SDK to be sent to /authorize');
  const page = await openConsent(provider.authorizationUrl);
  const res = await submitConsent(gw.origin, page, { owner, secret: OWNERS[owner].secret });
  if (res.status !== 302) throw new Error(`consent failed: ${res.status} ${await res.text()}`);
  const location = new URL(res.headers.get('location'));
  await first.finishAuth(location.searchParams.get('code'));
  const transport = new StreamableHTTPClientTransport(new URL(gw.url), { authProvider: provider });
  const client = new Client({ name: 'oauth-e2e', version: '0.0.1' }, { capabilities: {} });
  const notifications = [];
  client.fallbackNotificationHandler = async (n) => { notifications.push(n); };
  await client.connect(transport);
  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args });
    if (r.isError) throw new Error(r.content[0].text);
    return JSON.parse(r.content[0].text);
  };
  return { client, transport, provider, location, notifications, call };
}
