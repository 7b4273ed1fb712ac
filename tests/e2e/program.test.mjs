// The two programs: `parley` runs a stdio session on SQLite by itself, with
// no client library of another backend and no OpenSSL loaded, and becomes
// `parley-full` for every other command and backend. It reads its YAML
// config through parley-yaml.so, which it unloads once the config is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { scratch, sessionConfig, writeConfig, run, PARLEY_BIN } from './harness.mjs';

// The backends this build carries (tests/CMakeLists.txt sets it from the
// PARLEY_BACKEND_<NAME> options); all four when run by hand.
const BUILT = (process.env.PARLEY_BACKENDS || 'nats,postgres,redis,sqlite').split(',');

const initialize = JSON.stringify({
  jsonrpc: '2.0', id: 0, method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } },
});

/** Starts a session, waits for its initialize answer, returns the process. */
async function startSession(configPath, dir) {
  const p = spawn(PARLEY_BIN, ['stdio', '--config', configPath], {
    env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') }, cwd: dir,
  });
  let out = '';
  const answered = new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => { out += d; if (out.includes('"id":0')) resolve(); });
    p.on('exit', (code) => reject(new Error(`parley exited with ${code}`)));
  });
  p.stdin.write(`${initialize}\n`);
  await answered;
  return p;
}

test('a SQLite session runs in parley itself, without network or crypto libraries or a YAML parser', async () => {
  const s = scratch();
  try {
    const p = await startSession(sessionConfig(s.dir, 'lean'), s.dir);
    try {
      const exe = readlinkSync(`/proc/${p.pid}/exe`);
      assert.match(exe, /\/parley$/, `the session runs in ${exe}`);
      const maps = readFileSync(`/proc/${p.pid}/maps`, 'utf8');
      for (const lib of ['libcrypto', 'libssl', 'libcurl', 'libpq', 'libnats', 'libhiredis', 'libgnutls', 'libkrb5',
        'libyaml-cpp', 'parley-yaml'])
        assert.ok(!maps.includes(lib), `${lib} is loaded into a SQLite stdio session`);
    } finally {
      p.stdin.end();
      await new Promise((r) => p.on('exit', r));
    }
  } finally {
    s.cleanup();
  }
});

test('other commands and backends run in parley-full, in the same process', async () => {
  const version = await run(['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^parley \d+\.\d+\.\d+/);

  const backends = await run(['backends']);
  assert.equal(backends.code, 0, backends.stderr);
  assert.deepEqual(backends.stdout.trim().split('\n'), BUILT);

  // A backend parley does not carry: parley-full answers, listing all it has.
  const s = scratch();
  try {
    const cfg = writeConfig(s.dir, 'odd.yaml', 'identity: {handle: odd}\ntopics: [ctx]\nbackend: carrier-pigeon\n');
    const r = await run(['stdio', '--config', cfg], { env: { XDG_STATE_HOME: join(s.dir, 'state') } });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`unknown backend 'carrier-pigeon' (compiled in: ${BUILT.join(', ')})`), r.stderr);
  } finally {
    s.cleanup();
  }
});

test('config errors are reported by parley itself, with exit code 1', async () => {
  const s = scratch();
  try {
    const cfg = writeConfig(s.dir, 'bad.yaml', 'identity: {handle: x}\ntopics: [ctx]\nlive_push: {enabeld: true}\n');
    const r = await run(['stdio', '--config', cfg]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /live_push\.enabeld/);
  } finally {
    s.cleanup();
  }
});

test('without its companions beside it, parley says what is missing', async () => {
  const s = scratch();
  try {
    const alone = join(s.dir, 'parley');
    copyFileSync(PARLEY_BIN, alone);
    const runAlone = (args) => new Promise((resolve) => {
      const p = spawn(alone, args, { env: { ...process.env, PARLEY_FULL_BIN: '' } });
      let stderr = '';
      p.stderr.on('data', (d) => { stderr += d; });
      p.on('close', (code) => resolve({ code, stderr }));
    });
    const serve = await runAlone(['serve']);
    assert.equal(serve.code, 1);
    assert.match(serve.stderr, /parley-full was not found/);
    const stdio = await runAlone(['stdio', '--config', sessionConfig(s.dir, 'alone')]);
    assert.equal(stdio.code, 1);
    assert.match(stdio.stderr, /the YAML reader parley-yaml\.so was not found/);
  } finally {
    s.cleanup();
  }
});
