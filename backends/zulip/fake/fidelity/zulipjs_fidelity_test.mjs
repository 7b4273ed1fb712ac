// zulip-js 2.1.0, an independent Zulip client (it sends multipart form bodies
// and Basic auth, as it does against a real server), against the fake Zulip:
// keeps the fake honest. One `ok - ...` line per check; exits non-zero at
// the first failure. Needs `npm ci` in this directory once; without
// node_modules it says so and exits 0 (ctest shows the line).
//
//   node backends/zulip/fake/fidelity/zulipjs_fidelity_test.mjs
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, 'node_modules', 'zulip-js'))) {
  console.log(`skipped - zulip-js is not installed: run (cd ${here} && npm ci --no-audit --no-fund)`);
  process.exit(0);
}
const zulipInit = createRequire(import.meta.url)('zulip-js');

function check(cond, what) {
  if (!cond) throw new Error(what);
  console.log(`ok - ${what}`);
}

async function startFake() {
  const proc = spawn('/usr/bin/python3', [join(here, '..', 'fake_zulip.py'), '--port', '0', '--heartbeat-s', '1'],
                     { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve) => readline.createInterface({ input: proc.stdout }).once('line', resolve));
  if (!line.startsWith('PORT ')) throw new Error(`the fake did not start: ${line}`);
  return { proc, url: `http://127.0.0.1:${line.split(' ')[1]}` };
}

async function run(url) {
  const bot = await zulipInit({ username: 'parley-bot@localhost', apiKey: 'parley-api-key', realm: url });
  const alice = await zulipInit({ username: 'alice@example.com', apiKey: 'alice-api-key', realm: url });
  const me = await bot.users.me.getProfile();
  check(me.result === 'success' && me.email === 'parley-bot@localhost', 'users.me.getProfile (Basic auth)');
  const wrong = await (await zulipInit({ username: 'parley-bot@localhost', apiKey: 'nope', realm: url }))
    .users.me.getProfile();
  check(wrong.result === 'error' && wrong.code === 'INVALID_API_KEY', 'a wrong key: INVALID_API_KEY');
  const users = await bot.users.retrieve();
  check(users.members.some((u) => u.full_name === 'Alice'), 'users.retrieve lists alice');
  const subs = await bot.streams.subscriptions.retrieve();
  check(subs.subscriptions.some((s) => s.name === 'parley'), 'streams.subscriptions.retrieve');

  const reg = await bot.queues.register({ event_types: ['message'], narrow: JSON.stringify([['stream', 'parley'], ['topic', 'fid']]) });
  check(reg.result === 'success' && reg.queue_id && reg.last_event_id === -1, 'queues.register (multipart form)');
  const empty = await bot.events.retrieve({ queue_id: reg.queue_id, last_event_id: -1, dont_block: true });
  check(empty.events.length === 0, 'events.retrieve dont_block');

  const sent = await alice.messages.send({ to: 'parley', type: 'stream', topic: 'fid', content: 'hello **raw**' });
  check(sent.result === 'success' && sent.id > 0, 'messages.send (multipart form) answers the id');
  const own = await bot.messages.send({ to: 'parley', type: 'stream', topic: 'fid', content: 'from the bot' });
  check(own.id > sent.id, 'ids increase');
  const page = await bot.messages.retrieve({
    anchor: 'newest', num_before: 10, num_after: 0, apply_markdown: false,
    narrow: [{ operator: 'stream', operand: 'parley' }, { operator: 'topic', operand: 'fid' }],
  });
  check(page.messages.map((m) => m.id).join() === `${sent.id},${own.id}` && page.messages[0].content === 'hello **raw**' &&
        page.messages[0].sender_email === 'alice@example.com', 'messages.retrieve with a narrow: ascending, raw content');
  const after = await bot.messages.retrieve({ anchor: sent.id, include_anchor: false, num_before: 0, num_after: 5,
    narrow: [{ operator: 'stream', operand: 'parley' }, { operator: 'topic', operand: 'fid' }] });
  check(after.messages.length === 1 && after.messages[0].id === own.id && after.found_newest, 'anchor=<id>, exclusive');
  const one = await bot.messages.getById({ message_id: sent.id });
  check(one.message.id === sent.id, 'messages.getById');

  const ev = await bot.events.retrieve({ queue_id: reg.queue_id, last_event_id: -1 });
  check(ev.events.filter((e) => e.type === 'message').map((e) => e.message.id).join() === `${sent.id},${own.id}`,
        'events.retrieve: both messages, own included');
  const last = ev.events[ev.events.length - 1].id;
  const beat = await bot.events.retrieve({ queue_id: reg.queue_id, last_event_id: last });
  check(beat.events.length === 1 && beat.events[0].type === 'heartbeat', 'a parked poll gets a heartbeat');
  const gone = await bot.queues.deregister({ queue_id: reg.queue_id });
  check(gone.result === 'success', 'queues.deregister (DELETE with a query)');
  const bad = await bot.events.retrieve({ queue_id: reg.queue_id, last_event_id: last });
  check(bad.result === 'error' && bad.code === 'BAD_EVENT_QUEUE_ID' && bad.queue_id === reg.queue_id,
        'a removed queue: BAD_EVENT_QUEUE_ID with queue_id');
}

const { proc, url } = await startFake();
try {
  await run(url);
  console.log('all zulip-js checks passed');
} catch (e) {
  console.log(`not ok - ${e.message}`);
  process.exitCode = 1;
} finally {
  proc.kill('SIGTERM');
}
