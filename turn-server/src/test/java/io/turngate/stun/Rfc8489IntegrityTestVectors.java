package io.turngate.stun;

/** The RFC 8489 vectors for tests outside this package. */
public final class Rfc8489IntegrityTestVectors {
    /** RFC 8489 Appendix B.1 with erratum 6268, see {@link Rfc8489IntegrityTest#B1}. */
    public static final byte[] B1 = Rfc8489IntegrityTest.B1.clone();

    /** The test's integrity oracle: {@code msg} with an integrity attribute appended, see {@link Rfc8489IntegrityTest#sign}. */
    public static byte[] sign(byte[] msg, int type, int length, byte[] key) throws Exception {
        return Rfc8489IntegrityTest.sign(msg, type, length, key);
    }

    private Rfc8489IntegrityTestVectors() {
    }
}
