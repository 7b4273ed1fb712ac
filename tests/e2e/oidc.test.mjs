// The gateway as an OIDC resource server (`auth.mode: oidc`;
// docs/parley-behavior.md "OIDC configuration" and "OIDC resource-server mode"): an identity
// provider served inside the test (discovery document and JWKS on 127.0.0.1), keys made here with
// node:crypto and JWT access tokens signed here (RS256 and ES256). Each refusal is checked
// by its HTTP status, WWW-Authenticate challenge and JSON error body on a POST
// /mcp initialize; a good token runs a whole MCP session with the official SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generateKeyPairSync, sign as cryptoSign, createHmac } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { scratch, writeConfig, run, sleep, watchStderr, PARLEY_BIN } from './harness.mjs';
import { spawnGateway } from './oauth_harness.mjs';

const REFETCH_INTERVAL_MS = 30_000; // src/oidc/jwks_cache: at most one JWKS fetch per 30 s
const INVALID = 'invalid or expired access token';
const POLICY = 'token does not satisfy this server access policy';
const NO_SCOPE = 'token is missing the required scope';

// ---- the identity provider ---------------------------------------------------

/** A signing key: the private key for the test, the public JWK for the IdP. */
function makeKey(alg, kid) {
  const { privateKey, publicKey } = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, kid, privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A compact JWS: base64url header and payload, signed; ES256 as raw r||s (JWA §3.4). */
function signJwt(key, claims, header = {}) {
  const input = `${b64url({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })}.${b64url(claims)}`;
  const sig = key.alg === 'ES256'
    ? cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : cryptoSign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

/** An OpenID provider on 127.0.0.1: discovery, JWKS (mutable: `keys`), and a log of JWKS fetches. */
async function startIdp() {
  const idp = { keys: [], jwksFetches: [], discoveryFetches: 0 };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (path === '/.well-known/openid-configuration') { idp.discoveryFetches++; return json(200, idp.documentText); }
    if (path === '/jwks') { idp.jwksFetches.push(Date.now()); return json(200, { keys: idp.keys }); }
    // An issuer whose document names another issuer: discovery must refuse it.
    if (path === '/impostor/.well-known/openid-configuration') return json(200, { ...idp.document, issuer: `${idp.issuer}/someone-else` });
    return json(404, { error: 'not_found' });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  idp.issuer = `http://127.0.0.1:${server.address().port}`;
  idp.document = {
    issuer: idp.issuer,
    authorization_endpoint: `${idp.issuer}/protocol/openid-connect/auth`,
    token_endpoint: `${idp.issuer}/protocol/openid-connect/token`,
    jwks_uri: `${idp.issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'mcp'],
  };
  // Served byte for byte; the gateway's mirror must be the same bytes.
  idp.documentText = JSON.stringify(idp.document, null, 2);
  idp.lastJwksFetch = () => idp.jwksFetches.at(-1) ?? 0;
  idp.close = () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); });
  return idp;
}

// ---- the gateway -------------------------------------------------------------

let idp;
let work;
let gw;
let rsa; let ec; let rsaNext; let stranger;

function oidcBlock(extra = '') {
  return `auth:
  mode: oidc
  oidc:
    issuer: ${idp.issuer}
    required_scope: mcp
${extra}`;
}

/** Claims of a token the main gateway accepts; `over` replaces or (as undefined) drops claims. */
function claims(over = {}, audience = gw.url) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: idp.issuer, aud: [audience, 'account'], sub: 'f3b1c2d4-alice', preferred_username: 'alice',
    scope: 'openid profile mcp', azp: 'claude', iat: now, nbf: now - 5, exp: now + 600, ...over,
  };
}

const initialize = {
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'oidc-e2e', version: '1' } },
};

/** POST /mcp initialize with `token` (none when null): status, challenge, body. */
async function mcpInit(token, url = gw.url) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(initialize) });
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, www: r.headers.get('www-authenticate'), body, session: r.headers.get('mcp-session-id') };
}

/** Asserts an RFC 6750 refusal: status, the challenge's error, description, scope and metadata URL, the JSON body. */
function assertRefused(r, status, error, description, { origin = gw.origin, what = '' } = {}) {
  const ctx = `${what}: ${JSON.stringify(r)}`;
  assert.equal(r.status, status, ctx);
  assert.deepEqual(r.body, { error, error_description: description }, ctx);
  assert.equal(r.www,
    `Bearer error="${error}", error_description="${description}", scope="mcp", ` +
    `resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`, ctx);
}

/** The official SDK client over Streamable HTTP with a fixed bearer token. */
async function sdkSession(token, url = gw.url) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'oidc-e2e', version: '0.0.1' }, { capabilities: {} });
  await client.connect(transport);
  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args });
    if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
    return JSON.parse(r.content[0].text);
  };
  return {
    client, call,
    async close() { await transport.terminateSession().catch(() => {}); await client.close(); },
  };
}

/** `parley serve` that must refuse to start: resolves {code, stderr}; kills it if it does start. */
function serveMustFail(dir, cfg) {
  return new Promise((resolve) => {
    const p = spawn(PARLEY_BIN, ['serve', '--config', cfg], { env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } });
    const stderr = watchStderr(p.stderr);
    const guard = setTimeout(() => p.kill('SIGKILL'), 20000);
    p.on('exit', (code, signal) => { clearTimeout(guard); resolve({ code, signal, stderr: stderr() }); });
  });
}

before(async () => {
  idp = await startIdp();
  rsa = makeKey('RS256', 'rsa-2024');
  ec = makeKey('ES256', 'ec-2024');
  rsaNext = makeKey('RS256', 'rsa-2025'); // rotated in later
  stranger = makeKey('RS256', 'rsa-2024'); // same kid as rsa, another key: a forgery
  idp.keys = [rsa.jwk, ec.jwk];
  work = scratch();
  const cfg = writeConfig(work.dir, 'oidc-gateway.yaml', `gateway:
  listen: 127.0.0.1:0
identity:
  handle: oidc-user
topics: [ctx]
${oidcBlock('    allowed_usernames: [alice]')}
backend_config:
  db_path: ${join(work.dir, 'parley.db')}
`);
  gw = await spawnGateway(work.dir, cfg);
});

after(async () => {
  if (gw) assert.equal(await gw.stop(), 0, 'the gateway exits cleanly');
  await idp?.close();
  work?.cleanup();
});

// ---- the cases -----------------------------------------------------------------

test('boot: discovery and the JWKS are fetched once; metadata points at the IdP', async () => {
  assert.match(gw.stderr(), new RegExp(`auth: OIDC, delegated to ${idp.issuer}`));
  assert.equal(idp.discoveryFetches, 1);
  assert.equal(idp.jwksFetches.length, 1, 'the keys are loaded at boot');

  for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    const r = await fetch(gw.origin + path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await r.json(), {
      resource: gw.url,
      authorization_servers: [idp.issuer],
      scopes_supported: ['mcp'],
      bearer_methods_supported: ['header'],
      resource_name: 'Parley',
    }, path);
  }

  const as = await fetch(`${gw.origin}/.well-known/oauth-authorization-server`);
  assert.equal(as.status, 200);
  assert.equal(await as.text(), idp.documentText, 'the IdP document is mirrored as it is');

  // The IdP hosts the authorization endpoints; the gateway does not.
  for (const [method, path] of [['GET', '/authorize'], ['POST', '/authorize/consent'], ['POST', '/register'],
    ['POST', '/token'], ['POST', '/revoke']]) {
    const r = await fetch(gw.origin + path, {
      method,
      headers: { 'content-type': method === 'POST' && path === '/register' ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: method === 'POST' ? (path === '/register' ? JSON.stringify({ redirect_uris: ['http://127.0.0.1:1/cb'] }) : 'grant_type=x') : undefined,
    });
    await r.body?.cancel();
    assert.equal(r.status, 404, `${method} ${path}`);
  }

  // No token at all: pointed at the metadata, no error code (RFC 6750 §3.1).
  const none = await mcpInit(null);
  assert.equal(none.status, 401);
  assert.equal(none.www, `Bearer resource_metadata="${gw.origin}/.well-known/oauth-protected-resource/mcp"`);
  assert.deepEqual(none.body, { error: 'invalid_token', error_description: 'a bearer token is required' });
});

test('good RS256 and ES256 tokens: a whole MCP session with the official SDK', async () => {
  const rs = signJwt(rsa, claims());
  const es = signJwt(ec, claims());
  for (const [name, token] of [['RS256', rs], ['ES256', es]]) {
    const r = await mcpInit(token);
    assert.equal(r.status, 200, `${name}: ${JSON.stringify(r)}`);
    assert.ok(r.session, `${name}: a session id`);
    assert.equal(r.body.result.serverInfo.name.length > 0, true);
  }

  const a = await sdkSession(rs);
  const b = await sdkSession(es);
  try {
    const { tools } = await a.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(),
      ['parley_fetch_recent', 'parley_list_users', 'parley_post', 'parley_reply']);
    const posted = await a.call('parley_post', { topic: 'ctx', content: 'signed in with RS256' });
    assert.ok(posted.backendMsgId);
    await b.call('parley_post', { topic: 'ctx', content: 'signed in with ES256' });
    const seen = await b.call('parley_fetch_recent', { topic: 'ctx' });
    assert.deepEqual(seen.messages.map((m) => m.content), ['signed in with RS256', 'signed in with ES256']);
    for (const m of seen.messages) assert.equal(m.senderHandle, 'oidc-user', 'OIDC sessions run as the default profile');
  } finally {
    await a.close();
    await b.close();
  }
  assert.equal(idp.jwksFetches.length, 1, 'known kids never refetch');
});

test('refusals: expired, early, wrong audience or issuer, unknown kid, forged, bad alg, identity gate, scope', async () => {
  const fetchesBefore = idp.jwksFetches.length;
  const now = Math.floor(Date.now() / 1000);
  const cases = [
    ['expired (beyond the 30 s skew)', signJwt(rsa, claims({ iat: now - 3600, nbf: now - 3600, exp: now - 60 }))],
    ['expired ES256', signJwt(ec, claims({ exp: now - 60 }))],
    ['not yet valid (nbf)', signJwt(rsa, claims({ nbf: now + 600 }))],
    ['no exp', signJwt(rsa, claims({ exp: undefined }))],
    ['wrong audience', signJwt(rsa, claims({ aud: 'http://127.0.0.1:1/mcp' }))],
    ['audience of another path', signJwt(rsa, claims({ aud: gw.origin }))],
    ['wrong issuer', signJwt(rsa, claims({ iss: 'http://127.0.0.1:1' }))],
    ['issuer with a trailing slash', signJwt(rsa, claims({ iss: `${idp.issuer}/` }))],
    ['unknown kid', signJwt(makeKey('ES256', 'kid-nobody-knows'), claims())],
    ['forged: a known kid, another key', signJwt(stranger, claims())],
    ['RS256 kid with an ES256 alg', signJwt({ ...ec, kid: rsa.kid }, claims())],
    ['tampered payload', (() => { const [h, , s] = signJwt(rsa, claims()).split('.'); return `${h}.${b64url(claims({ preferred_username: 'alice', sub: 'mallory' }))}.${s}`; })()],
    ['alg none', `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`],
    ['HS256 keyed with the public key', (() => {
      const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: rsa.kid })}.${b64url(claims())}`;
      const mac = createHmac('sha256', rsa.publicKey.export({ format: 'pem', type: 'spki' })).update(input).digest('base64url');
      return `${input}.${mac}`;
    })()],
    ['not a JWT', 'opaque-token-0123456789'],
  ];
  for (const [what, token] of cases) assertRefused(await mcpInit(token), 401, 'invalid_token', INVALID, { what });
  if (Date.now() - idp.lastJwksFetch() < REFETCH_INTERVAL_MS - 2000)
    assert.equal(idp.jwksFetches.length, fetchesBefore, 'unknown kids within 30 s of a fetch do not refetch');

  // Within the clock skew (30 s by default) an expired token still passes.
  assert.equal((await mcpInit(signJwt(rsa, claims({ exp: now - 10 })))).status, 200, 'exp 10 s ago is within the skew');

  // Valid tokens that fail the identity gate: 401 with the policy message.
  assertRefused(await mcpInit(signJwt(rsa, claims({ preferred_username: 'bob', sub: 'bob' }))), 401, 'invalid_token', POLICY, { what: 'bob' });
  assertRefused(await mcpInit(signJwt(ec, claims({ preferred_username: undefined }))), 401, 'invalid_token', POLICY, { what: 'no username' });
  assertRefused(await mcpInit(signJwt(rsa, claims({ preferred_username: 'Alice' }))), 401, 'invalid_token', POLICY, { what: 'case differs' });

  // Valid and allowed, but without the required scope: 403.
  for (const [what, scope] of [['no mcp scope', 'openid profile'], ['no scope at all', undefined], ['a longer scope', 'openid mcp:read']])
    assertRefused(await mcpInit(signJwt(rsa, claims({ scope }))), 403, 'insufficient_scope', NO_SCOPE, { what });
  // `scp` (an array, as some IdPs send it) counts as well.
  assert.equal((await mcpInit(signJwt(rsa, claims({ scope: undefined, scp: ['mcp'] })))).status, 200, 'scp carries the scope');

  // A refused token never opens a session; the reason is logged, never sent.
  assert.match(gw.stderr(), /OIDC token refused: .*token expired/);
  assert.match(gw.stderr(), /OIDC token refused: .*preferred_username "bob" is not in allowed_usernames/);
});

test('owners: an OIDC token runs as the owner its preferred_username names', async () => {
  const { dir, cleanup } = scratch();
  const hash = (await run(['hash-secret', 'unused-in-oidc-mode-secret'])).stdout.trim().split('\n').at(-1);
  const cfg = writeConfig(dir, 'oidc-owners.yaml', `gateway:
  listen: 127.0.0.1:0
owners:
  alice:
    secret_hash: "${hash}"
    namespace: alice
    profiles:
      default: {handle: alice, topics: [general, alice-only]}
  bob:
    secret_hash: "${hash}"
    namespace: bob
    profiles:
      default: {handle: bob, topics: [general]}
${oidcBlock('    allowed_usernames: [alice, bob, carol]')}
backend_config:
  db_path: ${join(dir, 'parley.db')}
`);
  const owners = await spawnGateway(dir, cfg);
  try {
    const token = (name, over = {}) => signJwt(rsa, claims({ preferred_username: name, sub: `sub-${name}`, ...over }, owners.url));
    const alice = await sdkSession(token('alice'), owners.url);
    const bob = await sdkSession(token('bob'), owners.url);
    try {
      const { tools } = await alice.client.listTools();
      assert.deepEqual(tools.find((t) => t.name === 'parley_post').inputSchema.properties.topic.enum, ['general', 'alice-only']);
      await alice.call('parley_post', { topic: 'general', content: 'alice via oidc' });
      await bob.call('parley_post', { topic: 'general', content: 'bob via oidc' });
      const aView = await alice.call('parley_fetch_recent', { topic: 'general' });
      const bView = await bob.call('parley_fetch_recent', { topic: 'general' });
      assert.deepEqual(aView.messages.map((m) => [m.senderHandle, m.content]), [['alice', 'alice via oidc']]);
      assert.deepEqual(bView.messages.map((m) => [m.senderHandle, m.content]), [['bob', 'bob via oidc']]);
      const r = await bob.client.callTool({ name: 'parley_fetch_recent', arguments: { topic: 'alice-only' } });
      assert.equal(r.isError, true, 'bob cannot name alice\'s topic');
    } finally {
      await alice.close();
      await bob.close();
    }
    // carol passes the gate but is no owner; a token for the other gateway's resource is refused.
    assertRefused(await mcpInit(token('carol'), owners.url), 401, 'invalid_token', POLICY, { origin: owners.origin, what: 'carol' });
    assertRefused(await mcpInit(signJwt(rsa, claims()), owners.url), 401, 'invalid_token', INVALID, { origin: owners.origin, what: 'audience of the first gateway' });
  } finally {
    assert.equal(await owners.stop(), 0);
    cleanup();
  }
});

test('an unreachable or mismatched issuer: the gateway refuses to start', async () => {
  const { dir, cleanup } = scratch();
  try {
    const closed = createServer();
    await new Promise((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = closed.address().port;
    await new Promise((r) => closed.close(r));

    const base = (issuer) => `gateway:
  listen: 127.0.0.1:0
identity: {handle: nobody}
topics: [ctx]
auth:
  mode: oidc
  oidc:
    issuer: ${issuer}
    allowed_usernames: [alice]
backend_config:
  db_path: ${join(dir, 'parley.db')}
`;
    const unreachable = await serveMustFail(dir, writeConfig(dir, 'dead.yaml', base(`http://127.0.0.1:${deadPort}`)));
    assert.equal(unreachable.code, 1, unreachable.stderr);
    assert.match(unreachable.stderr,
      new RegExp(`OIDC discovery failed: cannot reach http://127\\.0\\.0\\.1:${deadPort}/\\.well-known/openid-configuration`));
    assert.doesNotMatch(unreachable.stderr, /listening on/);

    const impostor = await serveMustFail(dir, writeConfig(dir, 'impostor.yaml', base(`${idp.issuer}/impostor`)));
    assert.equal(impostor.code, 1, impostor.stderr);
    assert.ok(impostor.stderr.includes(
      `OIDC discovery failed: document issuer "${idp.issuer}/someone-else" does not match configured issuer "${idp.issuer}/impostor"`),
    impostor.stderr);
  } finally {
    cleanup();
  }
});

test('key rotation: a new key the IdP starts serving works after one refetch; the withdrawn one stops', async () => {
  // The cache refetches at most once per 30 s: wait until that has passed
  // since the last fetch, so the new kid's lookup is the refetch.
  const wait = idp.lastJwksFetch() + REFETCH_INTERVAL_MS + 1000 - Date.now();
  if (wait > 0) await sleep(wait);
  const before = idp.jwksFetches.length;
  assert.equal((await mcpInit(signJwt(rsa, claims()))).status, 200, 'the old key still works before the rotation');
  assert.equal(idp.jwksFetches.length, before);

  idp.keys = [rsaNext.jwk, ec.jwk]; // rotated: rsa-2025 in, rsa-2024 withdrawn
  const fresh = await mcpInit(signJwt(rsaNext, claims()));
  assert.equal(fresh.status, 200, `the rotated-in key verifies: ${JSON.stringify(fresh)}`);
  assert.equal(idp.jwksFetches.length, before + 1, 'found with exactly one refetch');

  const s = await sdkSession(signJwt(rsaNext, claims()));
  try {
    const recent = await s.call('parley_fetch_recent', { topic: 'ctx' });
    assert.ok(recent.messages.some((m) => m.content === 'signed in with RS256'));
  } finally {
    await s.close();
  }
  assertRefused(await mcpInit(signJwt(rsa, claims())), 401, 'invalid_token', INVALID, { what: 'withdrawn key' });
  assert.equal((await mcpInit(signJwt(ec, claims()))).status, 200, 'the EC key is still served');
  assert.equal(idp.jwksFetches.length, before + 1, 'no further fetch within 30 s');
});
