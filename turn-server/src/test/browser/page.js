// Browser side of the scenes: evaluated by scene.js inside headless Chromium (about:blank).
// It defines window.tg, the player's half of the call: it answers the worker's offer with
// iceTransportPolicy "relay" (the only candidates it offers are TURN relay candidates from the
// gateway), echoes over the worker's data channel, and counts the decoded frames of its video.
(() => {
  const tg = {
    pc: null,
    dc: null,
    video: null,
    painted: 0,
    states: [],
    candidateErrors: [],
    localCandidates: [],
    replies: new Map(),
  };
  window.tg = tg;

  const now = () => Math.round(performance.now());
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  tg.answer = async (offerSdp, cfg) => {
    const pc = new RTCPeerConnection({
      iceServers: [{ urls: cfg.turnUrl, username: cfg.username, credential: cfg.credential }],
      iceTransportPolicy: 'relay',
      bundlePolicy: 'max-bundle',
    });
    tg.pc = pc;
    const record = () => tg.states.push({
      t: now(), ice: pc.iceConnectionState, connection: pc.connectionState,
    });
    pc.oniceconnectionstatechange = record;
    pc.onconnectionstatechange = record;
    pc.onicecandidate = (e) => {
      if (e.candidate) {
        tg.localCandidates.push(e.candidate.candidate);
      }
    };
    pc.onicecandidateerror = (e) => tg.candidateErrors.push({
      t: now(), url: e.url, code: e.errorCode, text: e.errorText, address: e.address,
    });
    pc.ondatachannel = (e) => {
      tg.dc = e.channel;
      e.channel.onmessage = (m) => {
        const seq = Number(String(m.data).split(':', 1)[0]);
        const waiter = tg.replies.get(seq);
        if (waiter) {
          tg.replies.delete(seq);
          waiter(performance.now());
        }
      };
    };
    pc.ontrack = (e) => {
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.playsInline = true;
      video.srcObject = e.streams[0] || new MediaStream([e.track]);
      document.body.appendChild(video);
      tg.video = video;
      const onFrame = () => {
        tg.painted++;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
      video.play().catch((err) => tg.states.push({ t: now(), playError: String(err) }));
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    // Non-trickle: wait for the relay candidate (bounded) and hand over the complete answer.
    for (let i = 0; i < 100 && pc.iceGatheringState !== 'complete'; i++) {
      await sleep(50);
    }
    return pc.localDescription.sdp;
  };

  tg.state = () => ({
    ice: tg.pc ? tg.pc.iceConnectionState : 'none',
    connection: tg.pc ? tg.pc.connectionState : 'none',
    channel: tg.dc ? tg.dc.readyState : 'none',
    painted: tg.painted,
  });

  // The pair ICE selected, as the client's getStats() reports it (transport.selectedCandidatePairId).
  tg.selectedPair = async () => {
    const stats = await tg.pc.getStats();
    let pairId = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        pairId = s.selectedCandidatePairId;
      }
    });
    if (!pairId) {
      return null;
    }
    const pair = stats.get(pairId);
    const pick = (c) => c && {
      type: c.candidateType, address: c.address, port: c.port,
      protocol: c.protocol, relayProtocol: c.relayProtocol || null, url: c.url || null,
    };
    return {
      state: pair.state,
      nominated: pair.nominated,
      local: pick(stats.get(pair.localCandidateId)),
      remote: pick(stats.get(pair.remoteCandidateId)),
    };
  };

  // Ping-pong over the data channel: one message in flight at a time, each waited for at most
  // perMessageMs, so that the round-trip times are not queueing times. Returns what came back.
  tg.echo = async (count, perMessageMs, payloadBytes) => {
    const pad = 'x'.repeat(Math.max(0, payloadBytes));
    const rtts = [];
    const lost = [];
    for (let seq = 0; seq < count; seq++) {
      const sent = performance.now();
      const back = new Promise((resolve) => {
        tg.replies.set(seq, resolve);
        setTimeout(() => resolve(null), perMessageMs);
      });
      tg.dc.send(`${seq}:${pad}`);
      const at = await back;
      if (at === null) {
        tg.replies.delete(seq);
        lost.push(seq);
      } else {
        rtts.push(at - sent);
      }
    }
    return { sent: count, received: rtts.length, lost, rtts };
  };

  tg.videoStats = async () => {
    const stats = await tg.pc.getStats();
    let inbound = null;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        inbound = s;
      }
    });
    return {
      framesDecoded: inbound ? inbound.framesDecoded || 0 : 0,
      framesReceived: inbound ? inbound.framesReceived || 0 : 0,
      frameWidth: inbound ? inbound.frameWidth || 0 : 0,
      frameHeight: inbound ? inbound.frameHeight || 0 : 0,
      decoder: inbound ? inbound.decoderImplementation || null : null,
      painted: tg.painted,
    };
  };

  tg.close = () => {
    if (tg.pc) {
      tg.pc.close();
    }
    return tg.state();
  };
})();
