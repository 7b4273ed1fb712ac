// The consent page in a real browser (docs/features.md, "Owners and the OAuth front door"):
// headless Debian Chromium, driven by playwright-core, opens /authorize, is refused with a wrong
// secret, signs in with the right one and lands on the client's callback
// with a code and its state; the code is then exchanged for a Bearer token.
// The same works with JavaScript turned off. Screenshots of the page and of
// its error go to tests/e2e/artifacts/.
//
// Needs /usr/bin/chromium (Debian package `chromium`); without it the tests
// fail, unless PARLEY_SKIP_BROWSER=1 skips them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { scratch } from './harness.mjs';
import { startOAuthGateway, OWNERS } from './oauth_harness.mjs';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = process.env.PARLEY_SKIP_BROWSER === '1' ? 'PARLEY_SKIP_BROWSER=1' : false;
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const WRONG_SECRET = 'not-the-secret-of-alice';

let work;
let gw;
let browser;
let callback; // the client's redirect target: a tiny HTTP server

/** An HTTP server standing in for the OAuth client's redirect URI; records every /callback hit. */
async function startCallbackServer() {
  const hits = [];
  const waiters = [];
  const timers = new Set();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname !== '/callback') { res.writeHead(404).end(); return; }
    hits.push(url.searchParams);
    for (const w of waiters.splice(0)) w(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>callback</title><h1>Signed in; you can close this window.</h1>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    uri: `${origin}/callback`,
    hits,
    /** The next hit's query, or a rejection after `ms`. */
    next(ms = 10000) {
      const p = new Promise((resolve, reject) => {
        const t = setTimeout(() => { timers.delete(t); reject(new Error('the callback server was never reached')); }, ms);
        timers.add(t);
        waiters.push((q) => { clearTimeout(t); timers.delete(t); resolve(q); });
      });
      p.catch(() => {}); // a test that failed earlier never awaits it
      return p;
    },
    close: () => new Promise((r) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections?.();
      server.close(r);
    }),
  };
}

async function register() {
  const r = await fetch(`${gw.origin}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'browser e2e client', redirect_uris: [callback.uri], token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    }),
  });
  assert.equal(r.status, 201, 'dynamic client registration');
  return r.json();
}

/** A fresh PKCE S256 authorization request: the URL, its verifier and state. */
function authorizationRequest(client) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const url = `${gw.origin}/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: callback.uri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    resource: gw.url,
    scope: 'mcp',
  })}`;
  return { url, verifier, state };
}

async function exchange(client, code, verifier) {
  const r = await fetch(`${gw.origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: callback.uri,
      client_id: client.client_id, resource: gw.url,
    }),
  });
  return { status: r.status, body: await r.json().catch(() => ({})) };
}

async function initializeWith(token) {
  const r = await fetch(gw.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'browser-e2e', version: '1' } },
    }),
  });
  await r.body?.cancel();
  return r.status;
}

/** The consent page as a signed-out owner sees it: the client's redirect origin and an empty form. */
async function assertConsentPage(page) {
  assert.equal(await page.locator('h1').textContent(), 'Connect to Parley');
  assert.equal((await page.locator('p.origin').innerText()).trim(), callback.origin,
    'the page names the origin the code will be sent to');
  assert.ok(await page.getByText('browser e2e client').isVisible(), 'the client-supplied name is shown');
  for (const label of ['Owner', 'Secret', 'Profile']) assert.ok(await page.getByLabel(label).isVisible(), `${label} field`);
  assert.equal(await page.getByLabel('Secret').getAttribute('type'), 'password');
  assert.ok(await page.getByRole('button', { name: 'Sign in and approve' }).isVisible());
  assert.ok(await page.getByRole('button', { name: 'Deny' }).isVisible());
}

/**
 * Clicks a button of the consent form and resolves the response to its POST.
 * Anything but a redirect or the consent page again (e.g. the gateway's JSON
 * 403 for a refused Origin) fails at once, saying what the browser sent.
 */
async function submit(page, button) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/authorize/consent' && r.request().method() === 'POST'),
    page.getByRole('button', { name: button }).click(),
  ]);
  if (res.status() !== 302 && !/^text\/html/.test(res.headers()['content-type'] ?? '')) {
    assert.fail(`the consent form post never reached the consent page: HTTP ${res.status()} ${await res.text().catch(() => '')} ` +
      `(the browser sent Origin: ${await res.request().headerValue('origin')})`);
  }
  return res;
}

before(async () => {
  if (SKIP) return;
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium package ` +
      '(apt-get install -y chromium), or set PARLEY_SKIP_BROWSER=1 to skip them');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  work = scratch();
  gw = await startOAuthGateway(work.dir);
  callback = await startCallbackServer();
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true, timeout: 60000 });
});

after(async () => {
  await browser?.close();
  await callback?.close();
  if (gw) assert.equal(await gw.stop(), 0, 'the gateway exits cleanly');
  work?.cleanup();
});

test('consent in Chromium: a wrong secret shows an error, the right one redirects with code and state', { skip: SKIP }, async () => {
  const client = await register();
  const req = authorizationRequest(client);
  const context = await browser.newContext();
  context.setDefaultTimeout(15000);
  try {
    const page = await context.newPage();
    const shown = await page.goto(req.url);
    assert.equal(shown.status(), 200);
    assert.match(shown.headers()['content-type'], /^text\/html/);
    await assertConsentPage(page);
    const cookies = await context.cookies(gw.origin + '/authorize');
    assert.ok(cookies.some((c) => c.name.startsWith('parley_csrf_') && c.httpOnly && c.sameSite === 'Strict'),
      'the CSRF cookie is set, HttpOnly and SameSite=Strict');
    await page.screenshot({ path: `${ARTIFACTS}oauth-consent.png`, fullPage: true });

    // A wrong secret: the same page again, with a clear error and the form still there.
    await page.getByLabel('Owner').fill('alice');
    await page.getByLabel('Secret').fill(WRONG_SECRET);
    const refused = await submit(page, 'Sign in and approve');
    assert.equal(refused.status(), 403);
    await page.waitForLoadState();
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    assert.equal((await alert.innerText()).trim(), 'Unknown owner or wrong secret.');
    assert.ok(await page.getByText('Unknown owner or wrong secret.').isVisible());
    await assertConsentPage(page);
    assert.equal(await page.getByLabel('Owner').inputValue(), 'alice', 'the owner name is kept');
    assert.equal(await page.getByLabel('Secret').inputValue(), '', 'the secret is never echoed back');
    assert.ok(!(await page.content()).includes(WRONG_SECRET), 'the wrong secret is not in the page');
    assert.equal(callback.hits.length, 0, 'nothing reached the client');
    await page.screenshot({ path: `${ARTIFACTS}oauth-consent-error.png`, fullPage: true });

    // The right secret, on the error page's own form: redirected to the client.
    const arrived = callback.next();
    await page.getByLabel('Secret').fill(OWNERS.alice.secret);
    const approved = await submit(page, 'Sign in and approve');
    assert.equal(approved.status(), 302);
    const q = await arrived;
    await page.waitForURL((u) => u.origin === callback.origin && u.pathname === '/callback');
    assert.equal(q.get('state'), req.state, 'state is echoed');
    assert.equal(q.get('iss'), gw.origin, 'the issuer is named (RFC 9207)');
    assert.equal(q.get('error'), null);
    const code = q.get('code');
    assert.match(code ?? '', /^[A-Za-z0-9_-]{32,}$/, 'a code came back');
    assert.ok(await page.getByText('Signed in; you can close this window.').isVisible(), 'the browser shows the client page');

    const t = await exchange(client, code, req.verifier);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.token_type.toLowerCase(), 'bearer');
    assert.ok(t.body.access_token && t.body.refresh_token);
    assert.ok(t.body.expires_in > 0);
    assert.equal(await initializeWith(t.body.access_token), 200, 'the token opens an MCP session');
    assert.equal((await exchange(client, code, req.verifier)).status, 400, 'the code is single-use');

    const log = gw.stderr();
    for (const s of [WRONG_SECRET, OWNERS.alice.secret, code, t.body.access_token]) assert.ok(!log.includes(s), 'no secrets in the log');
  } finally {
    await context.close();
  }
});

test('consent without JavaScript: deny reaches the client as access_denied, approve with a code', { skip: SKIP }, async () => {
  const client = await register();
  const context = await browser.newContext({ javaScriptEnabled: false });
  context.setDefaultTimeout(15000);
  try {
    const page = await context.newPage();

    // Deny: the client hears access_denied with its state, and gets no code.
    const denied = authorizationRequest(client);
    assert.equal((await page.goto(denied.url)).status(), 200);
    await assertConsentPage(page);
    let arrived = callback.next();
    assert.equal((await submit(page, 'Deny')).status(), 302);
    let q = await arrived;
    assert.equal(q.get('error'), 'access_denied');
    assert.equal(q.get('state'), denied.state);
    assert.equal(q.get('code'), null);

    // Approve: a wrong secret first, then the right one, all by plain form posts.
    const req = authorizationRequest(client);
    assert.equal((await page.goto(req.url)).status(), 200);
    await page.getByLabel('Owner').fill('bob');
    await page.getByLabel('Secret').fill(WRONG_SECRET);
    const refused = await submit(page, 'Sign in and approve');
    assert.equal(refused.status(), 403);
    await page.getByRole('alert').waitFor({ state: 'visible' });
    assert.equal((await page.getByRole('alert').innerText()).trim(), 'Unknown owner or wrong secret.');
    arrived = callback.next();
    await page.getByLabel('Secret').fill(OWNERS.bob.secret);
    assert.equal((await submit(page, 'Sign in and approve')).status(), 302);
    q = await arrived;
    await page.waitForURL((u) => u.origin === callback.origin);
    assert.equal(q.get('state'), req.state);
    const t = await exchange(client, q.get('code'), req.verifier);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.token_type.toLowerCase(), 'bearer');
    assert.equal(await initializeWith(t.body.access_token), 200);
  } finally {
    await context.close();
  }
});
