package io.turngate.interop.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * A certificate authority made for one test, and the gateway's TLS certificate signed by it, generated with the
 * machine's {@code openssl} (ECDSA P-256, valid for a day): the CA is what the browser's profile is told to trust
 * ({@link ProfileTrust}), the server certificate ({@code CN=localhost}, SAN {@code DNS:localhost} and
 * {@code IP:127.0.0.1}, {@code extendedKeyUsage=serverAuth}) is what a TURN-TLS listener serves. Chromium checks
 * the name of a {@code turns:} URL against the SAN and refuses a certificate without one.
 *
 * <p>Nothing here is checked in. The private keys exist as files only while {@code openssl} needs them, in the
 * test's temporary folder: the CA's key is deleted once the server certificate is signed, the server's once its PEM
 * has been read into {@link #keyBase64()}. No key or certificate is ever logged.
 *
 * @param certBase64 base64 of the server certificate chain (server, then CA) in PEM, a listener's {@code cert}
 * @param keyBase64  base64 of the server's PKCS#8 PEM private key, a listener's {@code key}
 * @param caPem      the CA certificate (PEM, no key) in the test's folder
 */
public record TestCa(String certBase64, String keyBase64, Path caPem) {
    /** The name the server certificate is for, and the host of the {@code turns:} URL. */
    public static final String SERVER_NAME = "localhost";

    @Override
    public String toString() {
        return "TestCa[" + caPem + "]"; // never the key
    }

    /** Generates the CA and the server certificate in {@code dir} (a folder of the test). */
    public static TestCa create(Path dir) throws IOException {
        Path caKey = dir.resolve("ca.key");
        Path ca = dir.resolve("ca.pem");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path cert = dir.resolve("server.pem");
        Path ext = dir.resolve("server.ext");
        String openssl = "openssl";
        try {
            Tools.run(dir, List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "1",
                    "-subj", "/O=turngate tests/CN=turngate browser-scene test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
            Tools.run(dir, List.of(openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
                    "-subj", "/O=turngate tests/CN=" + SERVER_NAME));
            Files.writeString(ext, "basicConstraints=critical,CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature\n"
                    + "extendedKeyUsage=serverAuth\n"
                    + "subjectAltName=DNS:" + SERVER_NAME + ",IP:127.0.0.1\n");
            Tools.run(dir, List.of(openssl, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(),
                    "-CAkey", caKey.toString(), "-set_serial", Long.toString(System.nanoTime() & Long.MAX_VALUE),
                    "-days", "1", "-sha256", "-extfile", ext.toString(), "-out", cert.toString()));
            Files.delete(caKey);
            String chain = Files.readString(cert, StandardCharsets.US_ASCII)
                    + Files.readString(ca, StandardCharsets.US_ASCII);
            String keyPem = Files.readString(key, StandardCharsets.US_ASCII);
            Files.delete(key);
            Base64.Encoder b64 = Base64.getEncoder();
            return new TestCa(b64.encodeToString(chain.getBytes(StandardCharsets.US_ASCII)),
                    b64.encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII)), ca);
        } finally {
            Files.deleteIfExists(caKey);
            Files.deleteIfExists(key);
            Files.deleteIfExists(csr);
        }
    }
}
