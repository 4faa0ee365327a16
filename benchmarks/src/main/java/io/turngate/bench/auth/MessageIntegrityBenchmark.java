package io.turngate.bench.auth;

import io.netty.buffer.Unpooled;
import io.turngate.auth.EphemeralCredentials;
import io.turngate.auth.LongTermCredentials;
import io.turngate.auth.StatelessNonce;
import io.turngate.bench.stun.StunMessages;
import io.turngate.config.load.ConfigLoader;
import io.turngate.config.v1.ConfigException;
import io.turngate.config.v1.StunnerConfig;
import io.turngate.stun.ReceivedStun;
import io.turngate.stun.StunClass;
import io.turngate.stun.StunCodec;
import io.turngate.stun.StunCodecException;
import io.turngate.stun.StunMessage;
import io.turngate.stun.StunMethod;
import io.turngate.stun.attr.Lifetime;
import io.turngate.stun.attr.Nonce;
import io.turngate.stun.attr.Realm;
import io.turngate.stun.attr.RequestedTransport;
import io.turngate.stun.attr.Username;
import io.turngate.turn.RequestAuthenticator;
import io.turngate.turn.TurnFailure;

import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cost of the long-term credential mechanism per authenticated request (RFC 8489 §9.2): checking
 * MESSAGE-INTEGRITY (HMAC-SHA1 over the message, §14.5), deriving the key {@code MD5(user:realm:pass)} (§9.2.2), the
 * TURN REST password of an ephemeral username, and turngate's whole static-credential check
 * ({@link RequestAuthenticator#authenticate}: attributes, stateless nonce HMAC, realm, integrity).
 * {@link #hmacWithPreparedMac} is the same HMAC-SHA1 with one {@link Mac} kept across calls, as a reference for
 * what {@code Mac.getInstance} and {@code init} per call cost in {@link #verifyIntegrity}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MessageIntegrityBenchmark {
    private static final String EPHEMERAL_USER = "1999999999:user-1";
    private static final String SECRET = "my-shared-secret";

    private final byte[] key = StunMessages.key();
    private ReceivedStun request;
    private ReceivedStun requestWithLiveNonce;
    private RequestAuthenticator authenticator;
    private Mac mac;
    private final byte[] hmac = new byte[20];

    @Setup
    public void setUp() throws StunCodecException, ConfigException, TurnFailure {
        request = decode(StunMessages.authenticatedAllocate());
        StunnerConfig cfg = ConfigLoader.parse("{\"version\": \"v1\", \"admin\": {\"name\": \"bench\"},"
                + " \"auth\": {\"type\": \"static\", \"realm\": \"" + StunMessages.REALM + "\", \"credentials\":"
                + " {\"username\": \"" + StunMessages.USER + "\", \"password\": \"" + StunMessages.PASSWORD + "\"}},"
                + " \"listeners\": [], \"clusters\": []}", Map.of());
        StatelessNonce nonces = StatelessNonce.withRandomSecret(System::currentTimeMillis,
                RequestAuthenticator.DEFAULT_NONCE_LIFETIME_MILLIS);
        authenticator = new RequestAuthenticator(cfg.auth(), nonces, System::currentTimeMillis);
        requestWithLiveNonce = decode(StunMessage.of(StunMethod.ALLOCATE, StunClass.REQUEST, StunMessages.TID,
                new RequestedTransport(RequestedTransport.UDP), new Lifetime(3600), new Username(StunMessages.USER),
                new Realm(StunMessages.REALM), new Nonce(nonces.issue(StunMessages.CLIENT))));
        authenticator.authenticate(requestWithLiveNonce, StunMessages.CLIENT); // fails loudly if the set-up is wrong
        try {
            mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private ReceivedStun decode(StunMessage m) throws StunCodecException {
        return StunCodec.decode(Unpooled.wrappedBuffer(StunMessages.encode(m, key)));
    }

    @Benchmark
    public boolean verifyIntegrity() {
        return request.verifyIntegrity(key);
    }

    @Benchmark
    public byte[] hmacWithPreparedMac() throws ShortBufferException {
        mac.update(request.raw(), 0, request.integrityOffset());
        mac.doFinal(hmac, 0);
        return hmac;
    }

    @Benchmark
    public byte[] longTermKey() {
        return LongTermCredentials.key(StunMessages.USER, StunMessages.REALM, StunMessages.PASSWORD);
    }

    @Benchmark
    public String ephemeralPassword() {
        return EphemeralCredentials.password(SECRET, EPHEMERAL_USER);
    }

    @Benchmark
    public RequestAuthenticator.Authenticated authenticateStatic() throws TurnFailure {
        return authenticator.authenticate(requestWithLiveNonce, StunMessages.CLIENT);
    }
}
