'use strict';
// The game worker of the browser scenes: a WebRTC peer with host candidates only (no ICE servers),
// run by scene.js inside the test's network namespace (`ip netns exec NS node worker.js`), so its one
// host candidate is its veth address. Like a CloudRetro worker it makes the offer: a data channel
// "echo" that sends every message back, and a video track fed with generated I420 frames.
//
// Signalling is one JSON object per line: offer on stdout, answer on stdin. Logs go to stderr.
// The worker ends when stdin closes (its parent went away), on {"type":"bye"}, or after --max-ms.

const readline = require('readline');
const { RTCPeerConnection, nonstandard } = require('@roamhq/wrtc');

const args = parseArgs(process.argv.slice(2));
const maxMs = Number(args['max-ms'] || 90000);
const width = 320;
const height = 240;
const fps = 30;

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
  process.stderr.write(`[worker ${process.pid}] ${msg}\n`);
}

function send(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
const source = new nonstandard.RTCVideoSource();
const track = source.createTrack();
pc.addTransceiver(track, { direction: 'sendonly' });

const dc = pc.createDataChannel('echo', { ordered: true });
let echoed = 0;
dc.onmessage = (e) => {
  echoed++;
  dc.send(e.data);
};
dc.onopen = () => log('data channel open');

pc.oniceconnectionstatechange = () => log(`ice ${pc.iceConnectionState}`);
pc.onconnectionstatechange = () => log(`connection ${pc.connectionState}`);

// One I420 frame buffer, its luma shifted every frame so that the encoder has something to send.
const frame = new Uint8ClampedArray(width * height * 3 / 2);
frame.fill(128, width * height);
let frameNo = 0;
const frameTimer = setInterval(() => {
  const shift = frameNo++ % 256;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      frame[row + x] = (x + y + shift) & 0xff;
    }
  }
  source.onFrame({ width, height, data: frame });
}, Math.round(1000 / fps));

let closed = false;
function shutdown(reason) {
  if (closed) {
    return;
  }
  closed = true;
  log(`stopping (${reason}); frames sent ${frameNo}, messages echoed ${echoed}`);
  clearInterval(frameTimer);
  try {
    track.stop();
    pc.close();
  } catch (e) {
    log(`close failed: ${e}`);
  }
  // Let libwebrtc's threads wind down, then leave even if a handle is still open.
  setTimeout(() => process.exit(0), 200).unref();
}

setTimeout(() => shutdown('max-ms reached'), maxMs).unref();
process.on('SIGTERM', () => shutdown('SIGTERM'));

// libwebrtc in Node also gathers loopback and TCP host candidates. The scene's worker is reachable
// only at its veth address over UDP, so the offer carries just those: the browser then asks the
// gateway for exactly one permission, to the worker's address.
function onlyUdpHostCandidates(sdp) {
  return sdp.split('\r\n').filter((line) => {
    if (!line.startsWith('a=candidate:')) {
      return true;
    }
    const f = line.split(' ');
    const transport = f[2].toLowerCase();
    const address = f[4];
    return transport === 'udp' && !address.startsWith('127.') && address !== '::1';
  }).join('\r\n');
}

async function offer() {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') {
      resolve();
      return;
    }
    const t = setTimeout(resolve, 5000);
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(t);
        resolve();
      }
    };
  });
  const sdp = onlyUdpHostCandidates(pc.localDescription.sdp);
  const candidates = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
  log(`offer ready with ${candidates.length} candidate(s): ${candidates.join(' | ')}`);
  send({ type: 'offer', sdp });
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    log(`ignoring non-JSON line (${line.length} chars)`);
    return;
  }
  if (msg.type === 'answer') {
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
      log('answer applied');
    } catch (e) {
      log(`answer rejected: ${e}`);
      send({ type: 'error', message: String(e) });
    }
  } else if (msg.type === 'bye') {
    shutdown('bye');
  }
});
rl.on('close', () => shutdown('stdin closed'));

offer().catch((e) => {
  log(`offer failed: ${e}`);
  send({ type: 'error', message: String(e) });
  shutdown('offer failed');
});
