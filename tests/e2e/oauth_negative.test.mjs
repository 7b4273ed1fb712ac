// The OAuth front door refuses what it must (docs/features.md, "Owners and the OAuth front door"),
// each case with the right status and OAuth error body, driven with plain HTTP requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { scratch, sleep } from './harness.mjs';
import { startOAuthGateway, openConsent, submitConsent, OWNERS } from './oauth_harness.mjs';

const REDIRECT = 'http://127.0.0.1:1/callback';
let gw;
let work;

const b64url = (buf) => buf.toString('base64url');

async function register(extra = {}) {
  const r = await fetch(`${gw.origin}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'neg', ...extra }),
  });
  assert.equal(r.status, 201);
  return r.json();
}

function authorizeUrl(client, { verifier, state = 'st-1', resource = gw.url, redirect = REDIRECT, omit = [] } = {}) {
  const params = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirect,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    state,
    resource,
    scope: 'mcp',
  };
  for (const k of omit) delete params[k];
  return `${gw.origin}/authorize?${new URLSearchParams(params)}`;
}

/** A code for `owner` through the consent page; returns {code, verifier, client}. */
async function codeFor(owner, client) {
  client ??= await register();
  const verifier = b64url(randomBytes(32));
  const page = await openConsent(authorizeUrl(client, { verifier }));
  const r = await submitConsent(gw.origin, page, { owner, secret: OWNERS[owner].secret });
  assert.equal(r.status, 302);
  const loc = new URL(r.headers.get('location'));
  assert.equal(loc.searchParams.get('state'), 'st-1');
  return { code: loc.searchParams.get('code'), verifier, client };
}

async function token(params, headers = {}) {
  const r = await fetch(`${gw.origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: r.status, body: await r.json().catch(() => ({})), headers: r.headers };
}

const exchange = ({ code, verifier, client }, extra = {}) => token({
  grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT,
  client_id: client.client_id, resource: gw.url, ...extra,
});

async function tokensFor(owner) {
  const c = await codeFor(owner);
  const t = await exchange(c);
  assert.equal(t.status, 200);
  return { ...t.body, client: c.client };
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'neg', version: '1' } } };

function mcp(accessToken, body, { session, headers = {} } = {}) {
  return fetch(gw.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** An initialized MCP session over plain HTTP; returns a tool caller. */
async function session(accessToken) {
  const r = await mcp(accessToken, initialize);
  assert.equal(r.status, 200);
  const id = r.headers.get('mcp-session-id');
  await mcp(accessToken, { jsonrpc: '2.0', method: 'notifications/initialized' }, { session: id });
  let n = 10;
  return {
    id,
    async call(name, args, tokenOverride = accessToken) {
      const res = await mcp(tokenOverride, { jsonrpc: '2.0', id: ++n, method: 'tools/call', params: { name, arguments: args } }, { session: id });
      return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() };
    },
  };
}

function assertInvalidTokenChallenge(r) {
  assert.equal(r.status, 401);
  const challenge = r.headers.get('www-authenticate');
  assert.match(challenge, /^Bearer /);
  assert.match(challenge, new RegExp(`resource_metadata="${gw.origin}/.well-known/oauth-protected-resource/mcp"`));
}

before(async () => {
  work = scratch();
  gw = await startOAuthGateway(work.dir, { accessTtl: 2 });
});
after(async () => {
  await gw?.stop();
  work?.cleanup();
});

test('no token: 401 whose challenge names the protected resource metadata', async () => {
  const r = await mcp(null, initialize);
  assertInvalidTokenChallenge(r);
  const prm = await (await fetch(`${gw.origin}/.well-known/oauth-protected-resource/mcp`)).json();
  assert.equal(prm.resource, gw.url);
  assert.deepEqual(prm.authorization_servers, [gw.origin]);
  const meta = await (await fetch(`${gw.origin}/.well-known/oauth-authorization-server`)).json();
  assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
  assert.equal(meta.token_endpoint, `${gw.origin}/token`);
});

test('a code is single-use, and presenting it again revokes what it bought', async () => {
  const c = await codeFor('alice');
  const first = await exchange(c);
  assert.equal(first.status, 200);
  assert.equal((await mcp(first.body.access_token, initialize)).status, 200);
  const again = await exchange(c);
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_grant');
  assertInvalidTokenChallenge(await mcp(first.body.access_token, initialize));
  const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id: c.client.client_id });
  assert.equal(refreshed.body.error, 'invalid_grant');
});

test('a PKCE verifier that does not match is refused, and burns the code', async () => {
  const c = await codeFor('alice');
  const bad = await exchange({ ...c, verifier: b64url(randomBytes(32)) });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error, 'invalid_grant');
  assert.equal((await exchange(c)).body.error, 'invalid_grant');
});

test('resource is required at /authorize and must be this server\'s /mcp', async () => {
  const client = await register();
  const verifier = b64url(randomBytes(32));
  for (const url of [authorizeUrl(client, { verifier, omit: ['resource'] }),
    authorizeUrl(client, { verifier, resource: 'https://elsewhere.example/mcp' })]) {
    const r = await fetch(url, { redirect: 'manual' });
    assert.equal(r.status, 302, 'errors after the client is known go back to it');
    const loc = new URL(r.headers.get('location'));
    assert.equal(loc.searchParams.get('error'), 'invalid_target');
    assert.equal(loc.searchParams.get('state'), 'st-1', 'state is echoed on errors too');
  }
  // ... and at /token a different resource is refused.
  const c = await codeFor('alice');
  const t = await exchange(c, { resource: 'https://elsewhere.example/mcp' });
  assert.equal(t.status, 400);
  assert.equal(t.body.error, 'invalid_target');
});

test('an unregistered redirect URI or an unknown client never redirects', async () => {
  const client = await register();
  const verifier = b64url(randomBytes(32));
  const r = await fetch(authorizeUrl(client, { verifier, redirect: 'https://attacker.example/cb' }), { redirect: 'manual' });
  assert.equal(r.status, 400);
  assert.equal(r.headers.get('location'), null);
  const u = await fetch(authorizeUrl({ client_id: '00000000-0000-4000-8000-000000000000' }, { verifier }), { redirect: 'manual' });
  assert.equal(u.status, 400);
  assert.equal(u.headers.get('location'), null);
  assert.match(await u.text(), /invalid_client|unknown client/i);
  const t = await token({ grant_type: 'authorization_code', code: 'x', code_verifier: verifier, redirect_uri: REDIRECT,
    client_id: '00000000-0000-4000-8000-000000000000' });
  assert.equal(t.body.error, 'invalid_client');
});

test('registration accepts only https or loopback redirect URIs', async () => {
  for (const uri of ['http://example.com/cb', 'https://ok.example/cb#frag', 'javascript:alert(1)']) {
    const r = await fetch(`${gw.origin}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [uri], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(r.status, 400, uri);
    assert.equal((await r.json()).error, 'invalid_redirect_uri');
  }
});

test('an expired access token gets 401 invalid_token', async () => {
  const t = await tokensFor('alice');
  assert.equal((await mcp(t.access_token, initialize)).status, 200);
  await sleep(2600);
  const r = await mcp(t.access_token, initialize);
  assertInvalidTokenChallenge(r);
  assert.match(r.headers.get('www-authenticate'), /error="invalid_token"/);
  assert.equal((await r.json()).error, 'invalid_token');
});

test('a revoked token is refused', async () => {
  const t = await tokensFor('alice');
  const rv = await fetch(`${gw.origin}/revoke`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: t.access_token, client_id: t.client.client_id }),
  });
  assert.equal(rv.status, 200);
  assertInvalidTokenChallenge(await mcp(t.access_token, initialize));
});

test('a reused refresh token fails and revokes its whole family', async () => {
  const t = await tokensFor('alice');
  const refresh = (rt) => token({ grant_type: 'refresh_token', refresh_token: rt, client_id: t.client.client_id });
  const first = await refresh(t.refresh_token);
  assert.equal(first.status, 200);
  assert.notEqual(first.body.refresh_token, t.refresh_token);
  assert.equal((await mcp(first.body.access_token, initialize)).status, 200);
  const reuse = await refresh(t.refresh_token);
  assert.equal(reuse.status, 400);
  assert.equal(reuse.body.error, 'invalid_grant');
  // The thief's replay took the legitimate holder's new tokens down with it.
  assertInvalidTokenChallenge(await mcp(first.body.access_token, initialize));
  assert.equal((await refresh(first.body.refresh_token)).body.error, 'invalid_grant');
});

test('owner A\'s token cannot use owner B\'s session', async () => {
  const a = await tokensFor('alice');
  const b = await tokensFor('bob');
  const bobSession = await session(b.access_token);
  const r = await bobSession.call('parley_fetch_recent', { topic: 'general' }, a.access_token);
  assert.equal(r.status, 404, 'the session does not exist for alice');
  const ok = await bobSession.call('parley_fetch_recent', { topic: 'general' });
  assert.equal(ok.status, 200);
});

test('owner A cannot list, fetch or post in owner B\'s topics', async () => {
  const a = await tokensFor('alice');
  const b = await tokensFor('bob');
  const bob = await session(b.access_token);
  const alice = await session(a.access_token);
  assert.equal((await bob.call('parley_post', { topic: 'general', content: 'bob only' })).status, 200);
  const fetched = await alice.call('parley_fetch_recent', { topic: 'general' });
  assert.ok(!JSON.stringify(fetched.body).includes('bob only'), 'alice\'s general is not bob\'s');
  for (const topic of ['bob.general', '../bob/general']) {
    const f = await alice.call('parley_fetch_recent', { topic });
    assert.equal(f.body.result.isError, true, `fetch ${topic}`);
    const p = await alice.call('parley_post', { topic, content: 'x' });
    assert.equal(p.body.result.isError, true, `post ${topic}`);
    const l = await alice.call('parley_list_users', { topic });
    assert.equal(l.body.result.isError, true, `list ${topic}`);
  }
  await sleep(200);
  const users = await alice.call('parley_list_users', {});
  assert.ok(!JSON.stringify(users.body).includes('"bob"'), 'bob is not in alice\'s roster');
});

test('malformed and oversized bodies are 400 invalid_request', async () => {
  const reg = await fetch(`${gw.origin}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"redirect_uris": [' });
  assert.equal(reg.status, 400);
  assert.equal((await reg.json()).error, 'invalid_client_metadata');
  const big = await token({ grant_type: 'authorization_code', code: 'x'.repeat(200 * 1024) });
  assert.equal(big.status, 400);
  assert.equal(big.body.error, 'invalid_request');
  const noGrant = await token({});
  assert.equal(noGrant.status, 400);
  assert.equal(noGrant.body.error, 'invalid_request');
  const weird = await token({ grant_type: 'password', username: 'a', password: 'b' });
  assert.equal(weird.body.error, 'unsupported_grant_type');
});

test('a foreign Origin is refused on /mcp, /token and the consent form', async () => {
  const t = await tokensFor('alice');
  const r = await mcp(t.access_token, initialize, { headers: { origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  const tk = await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token }, { origin: 'https://evil.example' });
  assert.equal(tk.status, 403);
  const client = await register();
  const page = await openConsent(authorizeUrl(client, { verifier: b64url(randomBytes(32)) }));
  const form = await fetch(`${gw.origin}/authorize/consent`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie, origin: 'https://evil.example' },
    body: new URLSearchParams({ request: page.request, csrf: page.csrf, owner: 'alice', secret: OWNERS.alice.secret, profile: 'default' }),
  });
  assert.equal(form.status, 403);
});

test('an owner cannot exceed max_sessions', async () => {
  const b = await tokensFor('bob');  // bob: max_sessions 3, some already open in this file
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await mcp(b.access_token, initialize)).status);
  assert.ok(statuses.includes(429), `statuses: ${statuses}`);
});

// Last: it locks bob out of the consent page for 15 minutes.
test('the consent form: CSRF mismatch, wrong secret, throttle after 10 failures', async () => {
  const client = await register();
  const page = await openConsent(authorizeUrl(client, { verifier: b64url(randomBytes(32)) }));
  assert.match(page.html, /<form method="POST" action="\/authorize\/consent">/);
  assert.doesNotMatch(page.html, /<script/i, 'works without JavaScript');
  const csrf = await submitConsent(gw.origin, page, { owner: 'alice', secret: OWNERS.alice.secret, csrf: 'forged' });
  assert.equal(csrf.status, 403);
  let last;
  for (let i = 0; i < 10; i++) {
    last = await submitConsent(gw.origin, page, { owner: 'bob', secret: 'wrong' });
    assert.equal(last.status, 403, `attempt ${i + 1}`);
    assert.match(await last.text(), /incorrect|not recognized|wrong/i);
  }
  const blocked = await submitConsent(gw.origin, page, { owner: 'bob', secret: OWNERS.bob.secret });
  assert.equal(blocked.status, 429, 'the 11th try in 15 minutes is refused even with the right secret');
  assert.ok(blocked.headers.get('retry-after'));
  assert.ok(!gw.stderr().includes(OWNERS.alice.secret) && !gw.stderr().includes(OWNERS.bob.secret), 'no secret in the logs');
});
