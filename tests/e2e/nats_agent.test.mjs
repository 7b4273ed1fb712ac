// A parley stdio session exposed as a NATS agent (docs/features.md, "NATS agents"), driven from
// both sides: the official MCP SDK client plays Claude Code, and the `nats` npm
// client plays a caller on the bus, as the Synadia agent SDKs would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect as natsConnect, createInbox } from 'nats';
import { connect, scratch, sessionConfig, sleep } from './harness.mjs';

const NATS_URL = process.env.PARLEY_NATS_SERVERS;
const enc = new TextEncoder();
const dec = new TextDecoder();

// A fresh owner per run: parallel test runs share the NATS server.
const owner = `e2e${process.pid}x${Date.now() % 100000}`;
const promptSubject = (name) => `agents.prompt.parley.${owner}.${name}`;

let nc;
let work;
let alpha;

function agentConfig(session, extra = '') {
  return `nats_agent:
  servers: ${NATS_URL}
  owner: ${owner}
  session: ${session}
  heartbeat_s: 1
  keepalive_s: 1
  query_timeout_s: 3
  max_payload: 64KB
${extra}`;
}

/** Sends one request and collects frames until the header-less empty terminator. */
async function ask(subject, payload, { ms = 10000, onFrame } = {}) {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  const frames = [];
  const done = (async () => {
    for await (const m of sub) {
      const f = { data: dec.decode(m.data), headers: m.headers, size: m.data.length };
      frames.push(f);
      if (onFrame) await onFrame(f, frames);
      if (m.data.length === 0 && !m.headers) break;
    }
  })();
  nc.publish(subject, typeof payload === 'string' ? enc.encode(payload) : payload, { reply: inbox });
  const timer = setTimeout(() => sub.unsubscribe(), ms);
  await done;
  clearTimeout(timer);
  return frames;
}

/** All replies to a request within `ms` (discovery fan-out). */
async function gather(subject, payload = '', ms = 700) {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  const out = [];
  const done = (async () => { for await (const m of sub) if (m.data.length) out.push(JSON.parse(dec.decode(m.data))); })();
  nc.publish(subject, enc.encode(payload), { reply: inbox });
  await sleep(ms);
  sub.unsubscribe();
  await done;
  return out;
}

async function control(request) {
  const m = await nc.request(`agents.parley.${owner}`, enc.encode(request), { timeout: 5000 });
  return JSON.parse(dec.decode(m.data));
}

/** Answers every channel event of `session` by calling `reply` with `parts`. */
function autoReply(session, parts) {
  let stop = false;
  const seen = new Set();
  (async () => {
    while (!stop) {
      for (const n of session.channel()) {
        const id = n.params.meta.request_id;
        if (!id || seen.has(id)) continue;
        seen.add(id);
        const list = typeof parts === 'function' ? parts(n) : parts;
        for (let i = 0; i < list.length; i++)
          await session.raw('reply', { request_id: id, text: list[i], done: i === list.length - 1 });
      }
      await sleep(10);
    }
  })();
  return () => { stop = true; };
}

async function waitForAgent(name, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const infos = await gather('$SRV.INFO.agents', '', 300);
    const mine = infos.find((i) => i.metadata?.owner === owner && i.metadata?.session === name);
    if (mine) return mine;
  }
  throw new Error(`agent ${name} never registered`);
}

before(async () => {
  assert.ok(NATS_URL, 'PARLEY_NATS_SERVERS must name the test NATS server (scripts/test.sh sets it)');
  nc = await natsConnect({ servers: NATS_URL });
  work = scratch();
  alpha = await connect(sessionConfig(work.dir, 'alice', agentConfig('alpha')), { dir: work.dir });
  await waitForAgent('alpha');
});

after(async () => {
  await alpha?.close().catch(() => {});
  await nc?.drain();
  work?.cleanup();
});

test('the session advertises the reply tool and the NATS instructions', async () => {
  const { tools } = await alpha.client.listTools();
  const reply = tools.find((t) => t.name === 'reply');
  assert.ok(reply, 'reply tool listed');
  assert.deepEqual(reply.inputSchema.required, ['request_id', 'text']);
  assert.equal(reply.inputSchema.properties.done.default, true);
  assert.match(alpha.client.getInstructions(), /request_id/);
  assert.ok(alpha.client.getServerCapabilities().experimental['claude/channel/permission']);
});

test('discovery: $SRV.PING, INFO and STATS answer with the micro v1 shapes', async () => {
  const info = await waitForAgent('alpha');
  assert.equal(info.type, 'io.nats.micro.v1.info_response');
  assert.equal(info.name, 'agents');
  assert.deepEqual(info.metadata, { agent: 'parley', owner, session: 'alpha', protocol_version: '0.3' });
  const [prompt, status] = info.endpoints;
  assert.equal(prompt.name, 'prompt');
  assert.equal(prompt.subject, promptSubject('alpha'));
  assert.equal(prompt.queue_group, 'agents');
  assert.deepEqual(prompt.metadata, { max_payload: '64KB', attachments_ok: 'true' });
  assert.equal(status.name, 'status');
  assert.equal(status.subject, `agents.status.parley.${owner}.alpha`);

  const [ping] = await gather(`$SRV.PING.agents.${info.id}`);
  assert.equal(ping.type, 'io.nats.micro.v1.ping_response');
  assert.equal(ping.id, info.id);
  assert.deepEqual(ping.metadata, info.metadata);

  const bare = await gather('$SRV.PING');
  assert.ok(bare.some((p) => p.id === info.id), 'answers the bare $SRV.PING');

  const [stats] = await gather(`$SRV.STATS.agents.${info.id}`);
  assert.equal(stats.type, 'io.nats.micro.v1.stats_response');
  assert.match(stats.started, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(stats.endpoints[0].name, 'prompt');
  for (const key of ['num_requests', 'num_errors', 'processing_time', 'average_processing_time'])
    assert.equal(typeof stats.endpoints[0][key], 'number', key);
});

test('heartbeats arrive at once and then every interval, with every field', async () => {
  const sub = nc.subscribe(`agents.hb.parley.${owner}.alpha`);
  const beats = [];
  const t0 = Date.now();
  for await (const m of sub) {
    beats.push({ at: Date.now() - t0, hb: JSON.parse(dec.decode(m.data)) });
    if (beats.length === 3) break;
  }
  const { hb } = beats[0];
  assert.deepEqual(Object.keys(hb), ['agent', 'owner', 'instance_id', 'ts', 'interval_s', 'session']);
  assert.equal(hb.interval_s, 1);
  assert.equal(hb.session, 'alpha');
  const gap = beats[2].at - beats[1].at;
  assert.ok(gap > 600 && gap < 1800, `beats 1 s apart (saw ${gap} ms)`);
});

test('a prompt round trip: ack, two response chunks, header-less empty terminator', async () => {
  const stop = autoReply(alpha, ['part one ', 'part two']);
  try {
    const frames = await ask(promptSubject('alpha'), 'hello from nats');
    assert.deepEqual(frames.map((f) => f.data), [
      '{"type":"status","data":"ack"}',
      '{"type":"response","data":"part one "}',
      '{"type":"response","data":"part two"}',
      '',
    ]);
    const last = frames.at(-1);
    assert.equal(last.headers, undefined, 'terminator carries no header block');
    const event = alpha.channel().find((n) => n.params.content === 'hello from nats');
    assert.ok(event, 'the prompt became a channel event');
    assert.equal(event.params.meta.source, 'nats');
    assert.match(event.params.meta.request_id, /^\d+$/);
  } finally { stop(); }
});

test('the JSON envelope: from is shown, attachments are staged then removed', async () => {
  let seenPath;
  let seenBytes;
  const stop = autoReply(alpha, (n) => {
    const line = n.params.content.split('\n').find((l) => l.startsWith('- /'));
    if (line) { seenPath = line.slice(2); seenBytes = readFileSync(seenPath, 'utf8'); }
    return ['ok'];
  });
  try {
    const envelope = JSON.stringify({
      prompt: 'read the note',
      from: 'ops-bot',
      attachments: [{ filename: 'note.txt', content: Buffer.from('hello-attachment-contents\n').toString('base64') }],
    });
    const frames = await ask(promptSubject('alpha'), envelope);
    assert.deepEqual(frames.map((f) => f.data), ['{"type":"status","data":"ack"}', '{"type":"response","data":"ok"}', '']);
    assert.equal(seenBytes, 'hello-attachment-contents\n');
    assert.ok(seenPath.startsWith('/') && seenPath.endsWith('/note.txt'));
    await sleep(200);
    assert.equal(existsSync(seenPath), false, 'staged file removed when the request ended');
    const event = alpha.channel().find((n) => n.params.content.endsWith('read the note'));
    assert.equal(event.params.meta.from, 'ops-bot');
    assert.match(event.params.content, /^\[Attachments available at the following absolute paths\]\n- \//);
  } finally { stop(); }
});

test('a long answer is split into chunks that fit max_payload', async () => {
  const big = 'x'.repeat(150 * 1024);
  const stop = autoReply(alpha, [big]);
  try {
    const frames = await ask(promptSubject('alpha'), 'say a lot');
    const chunks = frames.slice(1, -1).map((f) => JSON.parse(f.data));
    assert.ok(chunks.length >= 3, `several chunks (${chunks.length})`);
    for (const f of frames) assert.ok(f.size <= 64 * 1024);
    assert.equal(chunks.map((c) => c.data).join(''), big);
  } finally { stop(); }
});

test('invalid requests get 400 with a one-line description, then the terminator', async () => {
  const cases = [
    ['', /zero-byte/],
    ['{"prompt": ', /malformed JSON envelope/],
    ['{"text": "hi"}', /prompt/],
    [JSON.stringify({ prompt: 'x', attachments: [{ filename: 'a.txt', content: 'not base64!' }] }), /base64/],
    [JSON.stringify({ prompt: 'x', attachments: [{ filename: '../evil', content: 'aGk=' }] }), /filename/],
    ['y'.repeat(70 * 1024), /exceeds max_payload 64KB/],
  ];
  for (const [payload, why] of cases) {
    const frames = await ask(promptSubject('alpha'), payload);
    assert.equal(frames.length, 2, `error frame + terminator for ${payload.slice(0, 20)}`);
    assert.equal(frames[0].headers.get('Nats-Service-Error-Code'), '400');
    assert.match(frames[0].headers.get('Nats-Service-Error'), why);
    assert.equal(frames[1].size, 0);
    assert.equal(frames[1].headers, undefined);
  }
});

test('keep-alive acks flow while the session is slow to answer', async () => {
  const stop = autoReply(alpha, () => []);  // seen, not answered yet
  try {
    let acks = 0;
    const frames = await ask(promptSubject('alpha'), 'take your time', {
      onFrame: async (f) => {
        if (f.data !== '{"type":"status","data":"ack"}') return;
        if (++acks === 3) {
          const event = alpha.channel().find((n) => n.params.content === 'take your time');
          await alpha.raw('reply', { request_id: event.params.meta.request_id, text: 'done now' });
        }
      },
    });
    assert.deepEqual(frames.slice(-2).map((f) => f.data), ['{"type":"response","data":"done now"}', '']);
    assert.equal(acks, 3, 'leading ack plus periodic keep-alives');
  } finally { stop(); }
});

test('reply with an unknown request_id is an error result', async () => {
  const r = await alpha.raw('reply', { request_id: '999999', text: 'hello?' });
  assert.equal(r.isError, true);
  assert.match(r.content[0].text, /no pending request with id 999999/);
});

test('requests wait in order while one is in flight', async () => {
  const stop = autoReply(alpha, (n) => [`answer to ${n.params.content}`]);
  try {
    const [a, b] = await Promise.all([ask(promptSubject('alpha'), 'first'), ask(promptSubject('alpha'), 'second')]);
    assert.equal(a.at(-2).data, '{"type":"response","data":"answer to first"}');
    assert.equal(b.at(-2).data, '{"type":"response","data":"answer to second"}');
    const order = alpha.channel().map((n) => n.params.content).filter((c) => c === 'first' || c === 'second');
    assert.deepEqual(order, ['first', 'second']);
  } finally { stop(); }
});

for (const [answer, behavior] of [['yes', 'allow'], ['no', 'deny']]) {
  test(`a permission query answered "${answer}" ${behavior}s the tool`, async () => {
    const permissionId = answer === 'yes' ? 'abcde' : 'fghij';
    const stop = autoReply(alpha, () => []);
    let query;
    try {
      const frames = await ask(promptSubject('alpha'), `permission ${answer}`, {
        onFrame: async (f) => {
          if (f.data === '{"type":"status","data":"ack"}' && !query) {
            await sleep(100);  // the channel event reaches the client
            await alpha.client.notification({
              method: 'notifications/claude/channel/permission_request',
              params: { request_id: permissionId, tool_name: 'Bash', description: 'list files', input_preview: 'ls -la' },
            });
          } else if (f.data.startsWith('{"type":"query"')) {
            query = JSON.parse(f.data).data;
            nc.publish(query.reply_subject, enc.encode(answer));
            const verdicts = await alpha.waitFor('notifications/claude/channel/permission', 1,
              (n) => n.params.request_id === permissionId);
            assert.equal(verdicts[0]?.params.behavior, behavior);
            const event = alpha.channel().find((n) => n.params.content === `permission ${answer}`);
            await alpha.raw('reply', { request_id: event.params.meta.request_id, text: 'ok' });
          }
        },
      });
      assert.equal(query.id, permissionId);
      assert.equal(query.prompt, "Bash: list files\n\nls -la\n\nReply 'yes' to allow or 'no' to deny.");
      assert.equal(frames.at(-1).size, 0);
    } finally { stop(); }
  });
}

test('a second session with the same name registers with a -2 suffix', async () => {
  const second = await connect(sessionConfig(work.dir, 'bob', agentConfig('alpha')), { dir: work.dir });
  try {
    const info = await waitForAgent('alpha-2');
    assert.equal(info.endpoints[0].subject, promptSubject('alpha-2'));
  } finally { await second.close(); }
});

test('the control plane lists, inspects and stops sessions, with the error codes of nats-pi-bridge', async () => {
  const gamma = await connect(sessionConfig(work.dir, 'carol', agentConfig('gamma')), { dir: work.dir });
  await waitForAgent('gamma');
  const list = await control('{"sessionMode":"list"}');
  const ids = list.sessions.map((s) => s.sessionId);
  assert.ok(ids.includes('alpha') && ids.includes('gamma'), `listed: ${ids}`);
  const { session } = await control('{"sessionMode":"inspect","sessionId":"gamma"}');
  assert.equal(session.handle, 'carol');
  assert.equal(session.state, 'idle');
  assert.equal(session.subject, promptSubject('gamma'));

  assert.equal((await control('not json')).error, 'invalid_json');
  assert.equal((await control('[1]')).error, 'invalid_request');
  assert.deepEqual(await control('{"sessionMode":"run"}'), { error: 'invalid_sessionMode', sessionMode: 'run' });
  assert.deepEqual(await control('{"sessionMode":"inspect"}'), { error: 'missing_fields', required: ['sessionId'] });
  assert.deepEqual(await control('{"sessionMode":"stop","sessionId":"nope"}'), { error: 'not_found', sessionId: 'nope' });

  const exited = new Promise((resolve) => gamma.transport._process.once('exit', (code) => resolve(code)));
  assert.deepEqual(await control('{"sessionMode":"stop","sessionId":"gamma"}'), { ok: true, sessionId: 'gamma' });
  assert.equal(await exited, 0, 'the stopped stdio session exits cleanly');
  const after = await control('{"sessionMode":"list"}');
  assert.ok(!after.sessions.some((s) => s.sessionId === 'gamma'), 'gone from the list');
});

test('on shutdown an open request gets an error and the terminator', async () => {
  const delta = await connect(sessionConfig(work.dir, 'dave', agentConfig('delta')), { dir: work.dir });
  await waitForAgent('delta');
  const frames = await ask(promptSubject('delta'), 'never answered', {
    onFrame: async (f, all) => { if (all.length === 1) { await sleep(100); await delta.close(); } },
  });
  assert.equal(frames[0].data, '{"type":"status","data":"ack"}');
  const err = frames.find((f) => f.headers);
  assert.equal(err.headers.get('Nats-Service-Error-Code'), '503');
  assert.equal(frames.at(-1).size, 0);
  assert.equal(frames.at(-1).headers, undefined);
});

test('a permission query nobody answers denies after query_timeout_s', async () => {
  const stop = autoReply(alpha, () => []);
  try {
    let asked = false;
    await ask(promptSubject('alpha'), 'permission silence', {
      onFrame: async (f) => {
        if (f.data === '{"type":"status","data":"ack"}' && !asked) {
          asked = true;
          await sleep(100);
          await alpha.client.notification({
            method: 'notifications/claude/channel/permission_request',
            params: { request_id: 'kmnop', tool_name: 'Bash', description: 'rm', input_preview: '' },
          });
        } else if (f.data.startsWith('{"type":"query"')) {
          const t0 = Date.now();
          const verdicts = await alpha.waitFor('notifications/claude/channel/permission', 1,
            (n) => n.params.request_id === 'kmnop', 6000);
          assert.equal(verdicts[0]?.params.behavior, 'deny');
          assert.ok(Date.now() - t0 > 2000, 'waited for the timeout');
          const event = alpha.channel().find((n) => n.params.content === 'permission silence');
          await alpha.raw('reply', { request_id: event.params.meta.request_id, text: '' });
        }
      },
    });
  } finally { stop(); }
});

test('queued requests older than max_pending_age_s are dropped with 503; v0.2 subjects answer', async () => {
  const eps = await connect(sessionConfig(work.dir, 'erin', agentConfig('eps', '  max_pending_age_s: 1\n  legacy_v02: true\n')),
    { dir: work.dir });
  try {
    await waitForAgent('eps');
    // The first request stays active (never answered here); the second waits behind it.
    const firstDone = ask(promptSubject('eps'), 'blocking request', { ms: 15000 });
    await sleep(100);
    const t0 = Date.now();
    const queued = await ask(`agents.parley.${owner}.eps`, 'queued via the v0.2 subject', { ms: 10000 });
    assert.equal(queued[0].data, '{"type":"status","data":"ack"}');
    const err = queued.find((f) => f.headers);
    assert.equal(err.headers.get('Nats-Service-Error-Code'), '503');
    assert.match(err.headers.get('Nats-Service-Error'), /queue/);
    assert.ok(Date.now() - t0 >= 900, 'not before its age passed');
    assert.equal(queued.at(-1).size, 0);
    const event = eps.channel().find((n) => n.params.content === 'blocking request');
    await eps.raw('reply', { request_id: event.params.meta.request_id, text: 'finally' });
    assert.equal((await firstDone).at(-2).data, '{"type":"response","data":"finally"}');
    assert.ok(!eps.channel().some((n) => n.params.content === 'queued via the v0.2 subject'), 'never shown');
  } finally { await eps.close(); }
});
