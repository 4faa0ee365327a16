/**
 * Harness of the browser scenes ({@code io.turngate.interop.BrowserScene*Test}): headless Chromium in
 * relay-only ICE mode reaches a WebRTC worker through the gateway, as a CloudRetro player reaches a game
 * worker. The pieces: {@link io.turngate.interop.browser.TestNetns} makes the network namespace and veth
 * /30 where the worker lives, {@link io.turngate.interop.browser.SceneRun} runs the Node side
 * ({@code turn-server/src/test/browser/scene.js}, which drives Chromium through playwright-core and starts
 * {@code worker.js} in the namespace), {@link io.turngate.interop.browser.TestCa} and
 * {@link io.turngate.interop.browser.ProfileTrust} make the TLS scene's CA and the browser profile's trust in it,
 * {@link io.turngate.log.LogCapture} collects the gateway's log
 * lines, and {@link io.turngate.interop.browser.Prerequisites} decides, loudly, whether this machine can run a
 * scene at all.
 *
 * <p>Protocols exercised: ICE (<a href="https://www.rfc-editor.org/rfc/rfc8445">RFC 8445</a>) with
 * {@code iceTransportPolicy: "relay"} (<a href="https://www.w3.org/TR/webrtc/#rtcicetransportpolicy-enum">W3C
 * WebRTC</a>), TURN over UDP, TCP and TLS (<a href="https://www.rfc-editor.org/rfc/rfc8656">RFC 8656</a> §3.1),
 * data channels (<a href="https://www.rfc-editor.org/rfc/rfc8831">RFC 8831</a>) and RTP video.
 *
 * <p>Threads: each {@code SceneRun} owns two reader threads (stdout, stderr of the Node process); everything
 * else runs on the JUnit thread. Every process a scene starts is ended by PID when the scene closes.
 */
package io.turngate.interop.browser;
