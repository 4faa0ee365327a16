'use strict';
// One browser scene (the CloudRetro shape): headless Chromium with iceTransportPolicy "relay" and
// the gateway as its only ICE server reaches a WebRTC worker that has only a host candidate, on
// its address inside a network namespace made by the caller.
//
//   node scene.js --mode allowed|refused --ice-url turn:127.0.0.1:PORT?transport=udp --user user-1 --netns NS
//                 [--chromium /usr/bin/chromium] [--messages 300] [--frames 60] [--timeout-ms 90000]
//   password: env TURN_PASSWORD (never printed)
//
// --ice-url is the browser's one ICE server: turn:HOST:PORT?transport=udp or ?transport=tcp, or
// turns:HOST:PORT?transport=tcp (TURN over TLS; Chromium verifies the server's certificate against
// the trust of its profile: the NSS database in $HOME/.pki/nssdb, where the caller puts a test CA).
//
// The worker runs as `ip netns exec NS node worker.js`; signalling is its stdin/stdout. Chromium is
// started by the scene (--chromium, a fresh profile, no browser download) and driven by
// playwright-core over CDP on a loopback port. Output on stdout:
//   SCENE-PID <role> <pid>      for every process this scene starts (the caller kills by PID)
//   SCENE-ANSWERED              the browser holds its relay candidate and answered the worker
//   SCENE-CLOSED                the browser closed its PeerConnection (TURN allocations released)
//   SCENE-CHECK <ok|FAIL> ...   the scene's own verdict, one line per check
//   SCENE-RESULT {json}         the facts, for the caller to assert on
// Exit status 0 when every check passed, 1 otherwise. Diagnostics go to stderr.

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const args = parseArgs(process.argv.slice(2));
const mode = args.mode || 'allowed';
const iceUrl = required('ice-url');
const netns = required('netns');
const username = args.user || 'user-1';
const password = process.env.TURN_PASSWORD || 'pass-1';
const chromiumPath = args.chromium || '/usr/bin/chromium';
const messages = Number(args.messages || 300);
const wantFrames = Number(args.frames || 60);
const timeoutMs = Number(args['timeout-ms'] || 90000);
const started = Date.now();

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      out[argv[i].slice(2)] = argv[i + 1];
      i++;
    }
  }
  return out;
}

function required(name) {
  if (!args[name]) {
    process.stderr.write(`scene: missing --${name} (expected: see the header of scene.js)\n`);
    process.exit(64);
  }
  return args[name];
}

function log(msg) {
  process.stderr.write(`[scene +${Date.now() - started}ms] ${msg}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Chromium as root needs --no-sandbox; the rest keeps it off the network except for WebRTC to
// the gateway on loopback: no QUIC, no background services, every host name but localhost and
// the loopback literals resolves to nothing (TURN URLs are IP literals or localhost, the name in
// the TLS scene's certificate; the rules apply to IP literals too, and Chromium's TCP and TLS
// TURN sockets go through the host resolver, so 127.0.0.1 must be excluded), and no mDNS: Chromium otherwise announces a .local name for each
// host address on the LAN's multicast group even when ICE is relay-only.
// The scene starts Chromium itself (so the command line is exactly this one, with a fresh profile)
// and attaches playwright-core over CDP on a loopback port.
const chromiumArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE [::1]',
  '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,DialMediaRouteProvider,OptimizationHints,'
    + 'NetworkTimeServiceQuerying,PreconnectToSearch,Translate',
  '--autoplay-policy=no-user-gesture-required',
  '--no-default-browser-check',
  '--disable-breakpad',
  '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
];

function launchChromium() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'turngate-chromium-'));
  const proc = spawn(chromiumPath, [...chromiumArgs, `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(proc);
  process.stdout.write(`SCENE-PID chromium ${proc.pid}\n`);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const endpoint = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('Chromium printed no DevTools endpoint within 30 s')), 30000);
    const lines = readline.createInterface({ input: proc.stderr });
    lines.on('line', (line) => {
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      } else if (line.trim() && !/^\[\d+:\d+:/.test(line)) {
        log(`chromium: ${line}`);
      }
    });
    exited.then(({ code, signal }) => reject(new Error(`Chromium exited (code ${code}, signal ${signal}) before it listened`)));
  });
  return {
    proc,
    profile,
    endpoint,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
        if (!done) {
          proc.kill('SIGKILL');
          await Promise.race([exited, sleep(2000)]);
        }
      }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

function startWorker() {
  const worker = spawn('ip', ['netns', 'exec', netns, process.execPath,
    path.join(__dirname, 'worker.js'), '--max-ms', String(timeoutMs)],
  { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(worker);
  process.stdout.write(`SCENE-PID worker ${worker.pid}\n`);
  const lines = readline.createInterface({ input: worker.stdout });
  const waiting = [];
  const queued = [];
  lines.on('line', (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (e) {
      log(`worker said (not JSON): ${line}`);
      return;
    }
    if (waiting.length) {
      waiting.shift()(msg);
    } else {
      queued.push(msg);
    }
  });
  const exited = new Promise((resolve) => worker.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    process: worker,
    exited,
    next: (ms) => new Promise((resolve, reject) => {
      if (queued.length) {
        resolve(queued.shift());
        return;
      }
      const t = setTimeout(() => reject(new Error(`no message from the worker within ${ms} ms`)), ms);
      waiting.push((m) => {
        clearTimeout(t);
        resolve(m);
      });
    }),
    send: (obj) => worker.stdin.write(JSON.stringify(obj) + '\n'),
  };
}

async function until(page, predicate, ms, what) {
  const deadline = Date.now() + ms;
  let state;
  for (;;) {
    state = await page.evaluate(() => window.tg.state());
    if (predicate(state)) {
      return state;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not reached within ${ms} ms (last state ${JSON.stringify(state)})`);
    }
    await sleep(100);
  }
}

function percentile(sorted, p) {
  if (!sorted.length) {
    return null;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
  return Math.round(sorted[rank] * 1000) / 1000;
}

async function allowedScene(page, result) {
  await until(page, (s) => s.connection === 'connected', 20000, 'connectionState "connected"');
  result.connectedMs = Date.now() - result.answeredAt;
  result.selectedPair = await page.evaluate(() => window.tg.selectedPair());
  log(`selected pair ${JSON.stringify(result.selectedPair)}`);

  await until(page, (s) => s.channel === 'open', 10000, 'data channel "open"');
  const echo = await page.evaluate(([n, per, size]) => window.tg.echo(n, per, size), [messages, 2000, 64]);
  const sorted = echo.rtts.slice().sort((a, b) => a - b);
  result.echo = {
    sent: echo.sent,
    received: echo.received,
    lost: echo.lost.length,
    lostSeqs: echo.lost.slice(0, 20),
    rttMs: {
      min: percentile(sorted, 0), p50: percentile(sorted, 50), p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
    },
  };
  log(`echo ${echo.received}/${echo.sent} back, RTT p50 ${result.echo.rttMs.p50} ms p99 ${result.echo.rttMs.p99} ms`);

  const deadline = Date.now() + 20000;
  let video;
  do {
    video = await page.evaluate(() => window.tg.videoStats());
    if (video.framesDecoded >= wantFrames) {
      break;
    }
    await sleep(200);
  } while (Date.now() < deadline);
  result.video = video;
  log(`video ${JSON.stringify(video)}`);

  result.checks = [
    ['selected pair local candidate is relay', !!result.selectedPair
      && result.selectedPair.local && result.selectedPair.local.type === 'relay'],
    [`data channel echoed ${messages} messages, none lost`, echo.received === messages && echo.lost.length === 0],
    [`video decoded >= ${wantFrames} frames`, video.framesDecoded >= wantFrames],
  ];
}

async function refusedScene(page, result) {
  // The only remote candidate is the worker's host address, which no route admits: the gateway
  // refuses the permission and no pair can work, so ICE must end in "failed".
  let state;
  try {
    state = await until(page, (s) => s.ice === 'failed' || s.connection === 'failed', 30000,
      'ICE "failed"');
  } catch (e) {
    log(e.message);
    state = await page.evaluate(() => window.tg.state());
  }
  result.failedMs = Date.now() - result.answeredAt;
  result.final = state;
  result.selectedPair = await page.evaluate(() => window.tg.selectedPair());
  result.checks = [
    ['ICE failed', state.ice === 'failed' || state.connection === 'failed'],
    ['no pair was selected', !result.selectedPair],
  ];
}

async function main() {
  const result = { mode, iceUrl, netns };
  let chrome = null;
  let browser = null;
  let worker = null;
  const guard = setTimeout(() => {
    log(`scene took longer than ${timeoutMs} ms; giving up`);
    finish({ ...result, error: `timeout after ${timeoutMs} ms` }, 1);
  }, timeoutMs);

  let finished = false;
  function finish(res, code) {
    if (finished) {
      return;
    }
    finished = true;
    clearTimeout(guard);
    for (const [name, ok] of res.checks || []) {
      process.stdout.write(`SCENE-CHECK ${ok ? 'ok' : 'FAIL'} ${name}\n`);
    }
    process.stdout.write(`SCENE-RESULT ${JSON.stringify(res)}\n`);
    if (worker && worker.process.exitCode === null) {
      worker.process.kill('SIGKILL');
    }
    const exit = () => process.exit(code);
    setTimeout(exit, 8000).unref();
    const closing = browser ? browser.close().catch(() => {}) : Promise.resolve();
    closing.then(() => (chrome ? chrome.stop() : null)).then(exit, exit);
  }

  try {
    chrome = launchChromium();
    browser = await chromium.connectOverCDP(await chrome.endpoint, { timeout: 30000 });
    result.browserVersion = browser.version();
    const context = browser.contexts()[0] || await browser.newContext();
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (m) => log(`page console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log(`page error: ${e}`));
    await page.goto('about:blank');
    await page.evaluate(fs.readFileSync(path.join(__dirname, 'page.js'), 'utf8'));
    log(`${result.browserVersion} up`);

    worker = startWorker();
    const offer = await worker.next(15000);
    if (offer.type !== 'offer') {
      throw new Error(`worker sent ${offer.type} (expected: offer): ${offer.message || ''}`);
    }
    result.workerCandidates = offer.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'))
      .map((l) => l.slice('a=candidate:'.length));
    const answer = await page.evaluate(([sdp, cfg]) => window.tg.answer(sdp, cfg), [offer.sdp, {
      turnUrl: iceUrl, username, credential: password,
    }]);
    result.answeredAt = Date.now();
    result.browserCandidates = answer.split('\r\n').filter((l) => l.startsWith('a=candidate:'))
      .map((l) => l.slice('a=candidate:'.length));
    log(`browser answered with ${result.browserCandidates.length} candidate(s): ${result.browserCandidates.join(' | ')}`);
    const gatherErrors = await page.evaluate(() => window.tg.candidateErrors);
    if (gatherErrors.length) {
      log(`icecandidateerror while gathering: ${JSON.stringify(gatherErrors)}`);
    }
    worker.send({ type: 'answer', sdp: answer });
    process.stdout.write('SCENE-ANSWERED\n');

    if (mode === 'refused') {
      await refusedScene(page, result);
    } else {
      await allowedScene(page, result);
    }
    const t = await page.evaluate(() => ({ states: window.tg.states, errors: window.tg.candidateErrors }));
    result.states = t.states;
    result.candidateErrors = t.errors;

    // Close the call the way a player leaving does; a TURN client then deallocates (Refresh with
    // lifetime 0). Give that a moment on the wire before the browser goes away.
    result.closed = await page.evaluate(() => window.tg.close());
    result.closedAt = Date.now() - started;
    process.stdout.write('SCENE-CLOSED\n');
    await sleep(1000);
    worker.send({ type: 'bye' });
    await Promise.race([worker.exited, sleep(3000)]);
    delete result.answeredAt;
    const allOk = (result.checks || []).every(([, ok]) => ok);
    finish(result, allOk ? 0 : 1);
  } catch (e) {
    log(`scene failed: ${e && e.stack ? e.stack : e}`);
    delete result.answeredAt;
    finish({ ...result, error: String(e && e.message ? e.message : e) }, 1);
  }
}

// Whatever ends Node (a signal, the guard, an uncaught error), Chromium and the worker end with it.
const children = [];
process.on('exit', () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch (e) {
        // already gone
      }
    }
  }
});
process.on('SIGTERM', () => process.exit(143));
process.on('SIGINT', () => process.exit(130));
main();
