'use strict';
// Records what real TURN clients send on loopback, and what turngate answers, as seeds for the fuzz targets
// (README "Fuzzing"; the seeds are binary files in Jazzer's corpus layout).
//
//   node capture.js [--jar PATH] [--resources DIR] [--clients uclient,chromium] [--keep N]
//                   [--chromium /usr/bin/chromium]
//
//   --jar        the shaded turngate jar (default ../../../target/turngate.jar: `mvn -DskipTests package` first)
//   --resources  turn-server's test resources (default ../resources)
//   --clients    which clients to run (default both)
//   --keep       at most this many datagrams of one structure per client (default 2)
//
// How:
//   1. Two turngate gateways in quick mode, turn://user-1:pass-1@127.0.0.1:PORT, which routes 127.0.0.1 too.
//   2. A recording UDP proxy on 127.0.0.1 in front of each: every datagram a client sends and every one turngate
//      sends back is kept, tagged with the client that ran.
//   3. coturn's turnutils_uclient through proxy A to a turnutils_peer echo on 127.0.0.1, once per mode: channels,
//      Send indications, an RTP/RTCP pair (EVEN-PORT, RESERVATION-TOKEN), DONT-FRAGMENT with channel padding (61-byte
//      messages, so that there is padding), an IPv6 relay (REQUESTED-ADDRESS-FAMILY), a dual allocation
//      (ADDITIONAL-ADDRESS-FAMILY), ORIGIN with extra requests, mobility, and its two negative-test modes.
//   4. Headless Chromium (Debian's, driven by playwright-core from ../browser/node_modules over CDP, as the browser
//      scenes are) with two RTCPeerConnections, iceTransportPolicy "relay", one through each gateway, joined by a
//      data channel: Allocate with and without credentials, CreatePermission, ChannelBind, Send indications and
//      ChannelData carrying ICE connectivity checks (STUN Binding with PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
//      MESSAGE-INTEGRITY, FINGERPRINT) and DTLS/SCTP, Refresh with LIFETIME 0 when it closes.
//   5. Seeds, deduplicated by structure (method, class and attribute types in order; ChannelData by what it
//      carries), at most --keep of each per client:
//        io/turngate/stun/StunCodecFuzzTestInputs/decode/      every STUN message, and every STUN message carried
//                                                              inside DATA or ChannelData (the ICE checks);
//        io/turngate/stun/StunCodecFuzzTestInputs/attribute/   each attribute of those, in that target's layout
//                                                              (type, transaction ID, value);
//        io/turngate/relay/RelayReadersFuzzTestInputs/datagram/ Send and Data indications, ChannelData.
//      Every file is named capture-<who>-<what>-<n>: <who> is uclient or chromium for what the client sent,
//      turngate-to-uclient or turngate-to-chromium for the answers, chromium-ice for the checks carried inside.
//      A run first deletes the capture-* files it wrote last time.
//
// Everything stays on 127.0.0.1; every process it starts is stopped by PID when it ends. Output: one line per
// seed folder with the count written; exit status 0 when each client ran and left seeds, 1 otherwise.

const dgram = require('dgram');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');

const args = parseArgs(process.argv.slice(2));
const jar = path.resolve(args.jar || path.join(__dirname, '../../../target/turngate.jar'));
const resources = path.resolve(args.resources || path.join(__dirname, '../resources'));
const clients = (args.clients || 'uclient,chromium').split(',');
const keep = Number(args.keep || 2);
const chromiumPath = args.chromium || '/usr/bin/chromium';
const LOOPBACK = '127.0.0.1';
const USER = 'user-1';
const PASSWORD = 'pass-1';
const COOKIE = 0x2112A442;
const started = Date.now();
const children = [];

const DIRS = {
  decode: 'io/turngate/stun/StunCodecFuzzTestInputs/decode',
  attribute: 'io/turngate/stun/StunCodecFuzzTestInputs/attribute',
  datagram: 'io/turngate/relay/RelayReadersFuzzTestInputs/datagram',
};
const METHODS = { 1: 'binding', 3: 'allocate', 4: 'refresh', 6: 'send', 7: 'data', 8: 'create-permission',
  9: 'channel-bind', 10: 'connect', 11: 'connection-bind', 12: 'connection-attempt' };
const CLASSES = ['request', 'indication', 'success', 'error'];

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

function log(msg) {
  process.stderr.write(`[capture +${Date.now() - started}ms] ${msg}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- processes -------------------------------------------------------------------------------------------

function start(name, cmd, argv, opts = {}) {
  const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.push(p);
  p.exited = new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  p.on('error', (e) => log(`${name}: ${e.message}`));
  p.output = '';
  const collect = (d) => {
    p.output += d.toString();
  };
  p.stdout.on('data', collect);
  p.stderr.on('data', collect);
  log(`started ${name} (pid ${p.pid}): ${cmd} ${argv.join(' ')}`);
  return p;
}

async function stop(p) {
  if (p.exitCode === null && p.signalCode === null) {
    p.kill('SIGTERM');
    const done = await Promise.race([p.exited.then(() => true), sleep(3000).then(() => false)]);
    if (!done) {
      p.kill('SIGKILL');
      await Promise.race([p.exited, sleep(2000)]);
    }
  }
}

async function stopAll() {
  for (const p of children.reverse()) {
    await stop(p);
  }
}

/** A free UDP port on loopback (bound and closed; the caller binds it next). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('error', reject);
    s.bind(0, LOOPBACK, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startGateway(name) {
  const port = await freePort();
  const p = start(name, 'java', ['-jar', jar, `turn://${USER}:${PASSWORD}@${LOOPBACK}:${port}`]);
  const deadline = Date.now() + 30000;
  while (!/turngate ready/.test(p.output)) {
    if (p.exitCode !== null || Date.now() > deadline) {
      throw new Error(`${name} did not become ready (output: ${p.output.trim()})`);
    }
    await sleep(100);
  }
  return port;
}

// ---- the recording proxy ---------------------------------------------------------------------------------

const records = []; // { who, dir: 'c2s' | 's2c', bytes }
let currentClient = 'none';

/** A UDP proxy on loopback to the gateway on `gatewayPort`: one upstream socket per client address. */
function startProxy(gatewayPort) {
  return new Promise((resolve, reject) => {
    const front = dgram.createSocket('udp4');
    const upstreams = new Map();
    front.on('error', reject);
    front.on('message', (msg, rinfo) => {
      const key = `${rinfo.address}:${rinfo.port}`;
      let up = upstreams.get(key);
      if (!up) {
        up = dgram.createSocket('udp4');
        up.bind(0, LOOPBACK);
        up.on('message', (back) => {
          records.push({ who: currentClient, dir: 's2c', bytes: Buffer.from(back) });
          front.send(back, rinfo.port, rinfo.address);
        });
        upstreams.set(key, up);
      }
      records.push({ who: currentClient, dir: 'c2s', bytes: Buffer.from(msg) });
      up.send(msg, gatewayPort, LOOPBACK);
    });
    front.bind(0, LOOPBACK, () => resolve({
      port: front.address().port,
      close: () => {
        for (const up of upstreams.values()) {
          up.close();
        }
        front.close();
      },
    }));
  });
}

// ---- clients ---------------------------------------------------------------------------------------------

const UCLIENT_MODES = [
  ['channels', ['-c']],
  ['send-indications', ['-c', '-s']],
  ['rtp-rtcp-pair', []],
  ['dont-fragment-padding', ['-c', '-g', '-D', '-l', '61']],
  ['ipv6-relay', ['-c', '-x']],
  ['dual-allocation', ['-Z']],
  ['origin-extra-requests', ['-c', '-o', 'https://example.org', '-G']],
  ['mobility', ['-c', '-M']],
  ['negative', ['-c', '-N']],
  ['negative-protocol', ['-c', '-R']],
];

async function runUclient(proxyPort) {
  const peerPort = await freePort();
  const peer = start('turnutils_peer', 'turnutils_peer', ['-L', LOOPBACK, '-p', String(peerPort)]);
  await sleep(300);
  currentClient = 'uclient';
  for (const [mode, flags] of UCLIENT_MODES) {
    const before = records.length;
    const p = start(`turnutils_uclient ${mode}`, 'turnutils_uclient', ['-e', LOOPBACK, '-r', String(peerPort),
      '-p', String(proxyPort), '-u', USER, '-w', PASSWORD, '-n', '5', '-l', '64', '-z', '5', ...flags, LOOPBACK]);
    const result = await Promise.race([p.exited, sleep(20000).then(() => null)]);
    if (result === null) {
      log(`turnutils_uclient ${mode}: still running after 20 s, stopped`);
      await stop(p);
    }
    log(`turnutils_uclient ${mode}: ${records.length - before} datagrams`);
  }
  await stop(peer);
  currentClient = 'none';
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost',
  '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,DialMediaRouteProvider,OptimizationHints,'
    + 'NetworkTimeServiceQuerying,PreconnectToSearch,Translate',
  '--no-default-browser-check', '--disable-breakpad',
  '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
];

async function runChromium(proxyA, proxyB) {
  const { chromium } = require(path.join(__dirname, '../browser/node_modules/playwright-core'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'turngate-capture-chromium-'));
  const proc = spawn(chromiumPath, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(proc);
  proc.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  log(`started chromium (pid ${proc.pid})`);
  const endpoint = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('Chromium printed no DevTools endpoint within 30 s')), 30000);
    readline.createInterface({ input: proc.stderr }).on('line', (line) => {
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
  const browser = await chromium.connectOverCDP(endpoint);
  try {
    const page = browser.contexts()[0].pages()[0] || await browser.contexts()[0].newPage();
    currentClient = 'chromium';
    const result = await page.evaluate(async ([a, b, user, password]) => {
      const config = (port) => ({
        iceServers: [{ urls: `turn:127.0.0.1:${port}?transport=udp`, username: user, credential: password }],
        iceTransportPolicy: 'relay',
      });
      const pc1 = new RTCPeerConnection(config(a));
      const pc2 = new RTCPeerConnection(config(b));
      pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
      pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
      const channel = pc1.createDataChannel('capture');
      const echoed = new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no echo within 20 s (ICE ${pc1.iceConnectionState})`)), 20000);
        pc2.ondatachannel = (e) => {
          e.channel.onmessage = (m) => e.channel.send(m.data);
        };
        let got = 0;
        channel.onmessage = () => {
          got++;
          if (got === 10) {
            clearTimeout(t);
            resolve(got);
          }
        };
        channel.onopen = () => {
          for (let i = 0; i < 10; i++) {
            channel.send(`message ${i}`);
          }
        };
      });
      await pc1.setLocalDescription(await pc1.createOffer());
      await pc2.setRemoteDescription(pc1.localDescription);
      await pc2.setLocalDescription(await pc2.createAnswer());
      await pc1.setRemoteDescription(pc2.localDescription);
      const n = await echoed;
      const stats = [];
      (await pc1.getStats()).forEach((s) => {
        if (s.type === 'local-candidate') {
          stats.push(`${s.candidateType} ${s.protocol} ${s.relayProtocol || ''}`);
        }
      });
      pc1.close();
      pc2.close();
      return { echoed: n, candidates: stats };
    }, [proxyA, proxyB, USER, PASSWORD]);
    log(`chromium: ${JSON.stringify(result)}`);
    await sleep(1000); // the Refresh (LIFETIME 0) of both allocations
  } finally {
    currentClient = 'none';
    await browser.close().catch(() => {});
    await stop(proc);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// ---- seeds -----------------------------------------------------------------------------------------------

function isStun(b) {
  return b.length >= 20 && (b[0] & 0xC0) === 0 && b.readUInt32BE(4) === COOKIE && 20 + b.readUInt16BE(2) <= b.length;
}

function stunInfo(b) {
  const t = b.readUInt16BE(0);
  const method = ((t & 0x3E00) >> 2) | ((t & 0x00E0) >> 1) | (t & 0x000F);
  const cls = ((t & 0x0100) >> 7) | ((t & 0x0010) >> 4);
  const end = 20 + b.readUInt16BE(2);
  const attrs = [];
  for (let pos = 20; pos + 4 <= end;) {
    const type = b.readUInt16BE(pos);
    const len = b.readUInt16BE(pos + 2);
    if (pos + 4 + len > end) {
      break;
    }
    attrs.push({ type, value: b.subarray(pos + 4, pos + 4 + len) });
    pos += 4 + ((len + 3) & ~3);
  }
  const name = `${METHODS[method] || `method-0x${method.toString(16)}`}-${CLASSES[cls]}`;
  return { name, attrs, tid: b.subarray(8, 20) };
}

/** The STUN message inside a Send/Data indication's DATA or a ChannelData payload, or null. */
function carried(b) {
  if (isStun(b)) {
    const data = stunInfo(b).attrs.find((a) => a.type === 0x0013);
    return data && isStun(data.value) ? Buffer.from(data.value) : null;
  }
  if (b.length >= 4 && (b[0] & 0xC0) === 0x40) {
    const payload = b.subarray(4, 4 + b.readUInt16BE(2));
    return isStun(payload) ? Buffer.from(payload) : null;
  }
  return null;
}

function channelDataName(b) {
  const len = b.readUInt16BE(2);
  const payload = b.subarray(4, 4 + len);
  const what = isStun(payload) ? `stun-${stunInfo(payload).name}` : payload.length && payload[0] >= 20 && payload[0] <= 63
    ? 'dtls' : 'data';
  return `channel-data-${what}${b.length > 4 + len ? '-padded' : ''}`;
}

function writeSeeds() {
  const seeds = { decode: new Map(), attribute: new Map(), datagram: new Map() };
  const perSignature = new Map();
  const perName = new Map();
  const add = (target, who, label, signature, bytes) => {
    const key = `${target}|${who}|${signature}`;
    const n = (perSignature.get(key) || 0) + 1;
    perSignature.set(key, n);
    if (n <= keep) {
      const name = `capture-${who}-${label}`;
      const i = (perName.get(`${target}|${name}`) || 0) + 1;
      perName.set(`${target}|${name}`, i);
      seeds[target].set(`${name}-${i}`, bytes);
    }
  };
  const addStun = (who, b) => {
    const info = stunInfo(b);
    add('decode', who, info.name, `${info.name}:${info.attrs.map((a) => a.type).join(',')}`, b);
    for (const a of info.attrs) {
      const input = Buffer.concat([Buffer.from([a.type >> 8, a.type & 0xFF]), info.tid, a.value]);
      add('attribute', who, `${info.name}-0x${a.type.toString(16).padStart(4, '0')}`, `${a.type}:${a.value.length}`,
        input);
    }
  };
  for (const r of records) {
    const who = r.dir === 'c2s' ? r.who : `turngate-to-${r.who}`;
    const b = r.bytes;
    if (isStun(b)) {
      addStun(who, b);
      const info = stunInfo(b);
      if (info.name === 'send-indication' || info.name === 'data-indication') {
        const inner = carried(b);
        add('datagram', who, info.name, `${info.name}:${info.attrs.map((a) => a.type).join(',')}:${inner ? 'stun' : ''}`,
          b);
      }
    } else if (b.length >= 4 && (b[0] & 0xC0) === 0x40) {
      const name = channelDataName(b);
      add('datagram', who, name, name, b);
    }
    const inner = carried(b);
    if (inner) {
      addStun(`${r.who}-ice`, inner);
    }
  }
  let ok = true;
  for (const [target, dir] of Object.entries(DIRS)) {
    const full = path.join(resources, dir);
    fs.mkdirSync(full, { recursive: true });
    for (const f of fs.readdirSync(full)) {
      if (f.startsWith('capture-')) {
        fs.rmSync(path.join(full, f));
      }
    }
    for (const [name, bytes] of seeds[target]) {
      fs.writeFileSync(path.join(full, name), bytes);
    }
    process.stdout.write(`${dir}: ${seeds[target].size} capture seeds\n`);
    for (const c of clients) {
      const n = [...seeds[target].keys()].filter((k) => k.startsWith(`capture-${c}-`)).length;
      if (n === 0) {
        log(`no seed from ${c} for ${dir}`);
        ok = false;
      }
    }
  }
  return ok;
}

// ---- main ------------------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(jar)) {
    throw new Error(`no turngate jar at ${jar} (expected: run \`mvn -B -DskipTests package\` first, or pass --jar)`);
  }
  const gatewayA = await startGateway('turngate A');
  const gatewayB = await startGateway('turngate B');
  const proxyA = await startProxy(gatewayA);
  const proxyB = await startProxy(gatewayB);
  log(`proxy 127.0.0.1:${proxyA.port} -> turngate A :${gatewayA}, proxy 127.0.0.1:${proxyB.port} -> turngate B :${gatewayB}`);
  try {
    if (clients.includes('uclient')) {
      await runUclient(proxyA.port);
    }
    if (clients.includes('chromium')) {
      await runChromium(proxyA.port, proxyB.port);
    }
  } finally {
    proxyA.close();
    proxyB.close();
  }
  log(`${records.length} datagrams recorded`);
  return writeSeeds();
}

main().then(async (ok) => {
  await stopAll();
  process.exit(ok ? 0 : 1);
}, async (e) => {
  log(`failed: ${e.stack || e}`);
  await stopAll();
  process.exit(1);
});
