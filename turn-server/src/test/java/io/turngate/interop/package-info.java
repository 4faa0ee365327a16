/**
 * Interop tests (JUnit tag {@code interop}): independent TURN clients against turngate started in-process on
 * loopback. coturn's {@code turnutils_uclient}/{@code turnutils_peer} exercise allocations with long-term
 * credentials, channels and Send/Data indications, EVEN-PORT/RESERVATION-TOKEN pairs and DONT-FRAGMENT
 * (<a href="https://www.rfc-editor.org/rfc/rfc8656">RFC 8656</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc8489#section-9.2">RFC 8489 §9.2</a>) plus STUNner's route rule
 * (peers outside the listener's clusters get 403); jitsi ice4j's {@code TurnCandidateHarvester} relays datagrams
 * to an echo the test runs ({@code InteropSupport} holds the shared plumbing: free ports, child processes, tool
 * detection with the CI rule, the stunnerd v1 config). Browser scenes live beside them ({@code BrowserSceneTest},
 * package {@code browser}). All state (server, child processes, sockets) belongs to the JUnit thread of one test
 * and is torn down in its finally blocks; child processes are stopped by PID.
 */
package io.turngate.interop;
