package io.turngate.stun.attr;

/**
 * STUN attribute types from the IANA "STUN Attributes" registry: RFC 8489 §18.3, RFC 8656 §18, RFC 8445 §16.1,
 * RFC 5780 §7, RFC 6062 §6.2, RFC 7635, RFC 8016, RFC 7064. An open set: any 16-bit type may appear on the wire.
 * Types 0x0000–0x7FFF are comprehension-required, 0x8000–0xFFFF comprehension-optional (RFC 8489 §14).
 *
 * @see <a href="https://www.iana.org/assignments/stun-parameters">IANA STUN parameters</a>
 */
public final class AttributeType {

    // --- comprehension-required (0x0000-0x7FFF) ---
    /** MAPPED-ADDRESS, RFC 8489 §14.1. */
    public static final int MAPPED_ADDRESS = 0x0001;
    /** RESPONSE-ADDRESS (reserved since RFC 5389). */
    public static final int RESPONSE_ADDRESS = 0x0002;
    /** CHANGE-REQUEST, RFC 5780 §7.2. */
    public static final int CHANGE_REQUEST = 0x0003;
    /** USERNAME, RFC 8489 §14.3. */
    public static final int USERNAME = 0x0006;
    /** MESSAGE-INTEGRITY, RFC 8489 §14.5. */
    public static final int MESSAGE_INTEGRITY = 0x0008;
    /** ERROR-CODE, RFC 8489 §14.8. */
    public static final int ERROR_CODE = 0x0009;
    /** UNKNOWN-ATTRIBUTES, RFC 8489 §14.13. */
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    /** CHANNEL-NUMBER, RFC 8656 §18.1. */
    public static final int CHANNEL_NUMBER = 0x000C;
    /** LIFETIME, RFC 8656 §18.2. */
    public static final int LIFETIME = 0x000D;
    /** XOR-PEER-ADDRESS, RFC 8656 §18.3. */
    public static final int XOR_PEER_ADDRESS = 0x0012;
    /** DATA, RFC 8656 §18.4. */
    public static final int DATA = 0x0013;
    /** REALM, RFC 8489 §14.9. */
    public static final int REALM = 0x0014;
    /** NONCE, RFC 8489 §14.10. */
    public static final int NONCE = 0x0015;
    /** XOR-RELAYED-ADDRESS, RFC 8656 §18.5. */
    public static final int XOR_RELAYED_ADDRESS = 0x0016;
    /** REQUESTED-ADDRESS-FAMILY, RFC 8656 §18.6. */
    public static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
    /** EVEN-PORT, RFC 8656 §18.7. */
    public static final int EVEN_PORT = 0x0018;
    /** REQUESTED-TRANSPORT, RFC 8656 §18.8. */
    public static final int REQUESTED_TRANSPORT = 0x0019;
    /** DONT-FRAGMENT, RFC 8656 §18.9. */
    public static final int DONT_FRAGMENT = 0x001A;
    /** ACCESS-TOKEN, RFC 7635 §6.2. */
    public static final int ACCESS_TOKEN = 0x001B;
    /** MESSAGE-INTEGRITY-SHA256, RFC 8489 §14.6. */
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    /** PASSWORD-ALGORITHM, RFC 8489 §14.12. */
    public static final int PASSWORD_ALGORITHM = 0x001D;
    /** USERHASH, RFC 8489 §14.4. */
    public static final int USERHASH = 0x001E;
    /** XOR-MAPPED-ADDRESS, RFC 8489 §14.2. */
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** RESERVATION-TOKEN, RFC 8656 §18.10. */
    public static final int RESERVATION_TOKEN = 0x0022;
    /** PRIORITY, RFC 8445 §16.1. */
    public static final int PRIORITY = 0x0024;
    /** USE-CANDIDATE, RFC 8445 §16.1. */
    public static final int USE_CANDIDATE = 0x0025;
    /** PADDING, RFC 5780 §7.6. */
    public static final int PADDING = 0x0026;
    /** RESPONSE-PORT, RFC 5780 §7.5. */
    public static final int RESPONSE_PORT = 0x0027;
    /** CONNECTION-ID, RFC 6062 §6.2.1. */
    public static final int CONNECTION_ID = 0x002A;

    // --- comprehension-optional (0x8000-0xFFFF) ---
    /** ADDITIONAL-ADDRESS-FAMILY, RFC 8656 §18.11. */
    public static final int ADDITIONAL_ADDRESS_FAMILY = 0x8000;
    /** ADDRESS-ERROR-CODE, RFC 8656 §18.12. */
    public static final int ADDRESS_ERROR_CODE = 0x8001;
    /**
     * ADDITIONAL-ADDRESS-FAMILY as coturn before 4.8.0 numbers it (draft-ietf-tram-turnbis; coturn#1740): its
     * {@code turnutils_uclient -Z} and clients built on it send this. Read as ADDITIONAL-ADDRESS-FAMILY.
     */
    public static final int ADDITIONAL_ADDRESS_FAMILY_DRAFT = 0x8032;
    /** ADDRESS-ERROR-CODE as coturn before 4.8.0 numbers it: the answer to {@link #ADDITIONAL_ADDRESS_FAMILY_DRAFT}. */
    public static final int ADDRESS_ERROR_CODE_DRAFT = 0x8033;
    /** PASSWORD-ALGORITHMS, RFC 8489 §14.11. */
    public static final int PASSWORD_ALGORITHMS = 0x8002;
    /** ALTERNATE-DOMAIN, RFC 8489 §14.16. */
    public static final int ALTERNATE_DOMAIN = 0x8003;
    /** ICMP, RFC 8656 §18.13. */
    public static final int ICMP = 0x8004;
    /** SOFTWARE, RFC 8489 §14.14. */
    public static final int SOFTWARE = 0x8022;
    /** ALTERNATE-SERVER, RFC 8489 §14.15. */
    public static final int ALTERNATE_SERVER = 0x8023;
    /** TRANSACTION_TRANSMIT_COUNTER, RFC 7982 §3.1. */
    public static final int TRANSACTION_TRANSMIT_COUNTER = 0x8025;
    /** CACHE-TIMEOUT, RFC 5780 §7.7. */
    public static final int CACHE_TIMEOUT = 0x8027;
    /** FINGERPRINT, RFC 8489 §14.7. */
    public static final int FINGERPRINT = 0x8028;
    /** ICE-CONTROLLED, RFC 8445 §16.1. */
    public static final int ICE_CONTROLLED = 0x8029;
    /** ICE-CONTROLLING, RFC 8445 §16.1. */
    public static final int ICE_CONTROLLING = 0x802A;
    /** RESPONSE-ORIGIN, RFC 5780 §7.3. */
    public static final int RESPONSE_ORIGIN = 0x802B;
    /** OTHER-ADDRESS, RFC 5780 §7.4. */
    public static final int OTHER_ADDRESS = 0x802C;
    /** ECN-CHECK STUN, RFC 6679 §7.2.2. */
    public static final int ECN_CHECK = 0x802D;
    /** THIRD-PARTY-AUTHORIZATION, RFC 7635 §6.1. */
    public static final int THIRD_PARTY_AUTHORIZATION = 0x802E;
    /** ORIGIN, RFC 7064 (sent by Chrome in Allocate requests). */
    public static final int ORIGIN = 0x802F;
    /** MOBILITY-TICKET, RFC 8016 §3.1. */
    public static final int MOBILITY_TICKET = 0x8030;

    /** First comprehension-optional type. */
    public static final int COMPREHENSION_OPTIONAL_MIN = 0x8000;

    private AttributeType() {
    }

    /** Whether an agent that does not understand {@code type} must reject the message (type &lt; 0x8000). */
    public static boolean isComprehensionRequired(int type) {
        return type < COMPREHENSION_OPTIONAL_MIN;
    }

    /**
     * Whether the codec decodes {@code type} into one of the typed records of this package (everything else becomes
     * an {@link UnknownAttribute}). Note DONT-FRAGMENT and EVEN-PORT are "known" here; whether the server
     * <em>supports</em> them (RFC 8656 §7.2: 420 otherwise) is a TURN-layer decision.
     */
    public static boolean isKnown(int type) {
        switch (type) {
            case MAPPED_ADDRESS:
            case USERNAME:
            case MESSAGE_INTEGRITY:
            case MESSAGE_INTEGRITY_SHA256:
            case PASSWORD_ALGORITHM:
            case USERHASH:
            case PASSWORD_ALGORITHMS:
            case ERROR_CODE:
            case UNKNOWN_ATTRIBUTES:
            case CHANNEL_NUMBER:
            case LIFETIME:
            case XOR_PEER_ADDRESS:
            case DATA:
            case REALM:
            case NONCE:
            case XOR_RELAYED_ADDRESS:
            case REQUESTED_ADDRESS_FAMILY:
            case ADDITIONAL_ADDRESS_FAMILY:
            case ADDRESS_ERROR_CODE:
            case ADDITIONAL_ADDRESS_FAMILY_DRAFT:
            case ADDRESS_ERROR_CODE_DRAFT:
            case EVEN_PORT:
            case REQUESTED_TRANSPORT:
            case DONT_FRAGMENT:
            case XOR_MAPPED_ADDRESS:
            case RESERVATION_TOKEN:
            case SOFTWARE:
            case FINGERPRINT:
                return true;
            default:
                return false;
        }
    }

    /** The registry name, e.g. {@code "XOR-PEER-ADDRESS"}, or {@code 0x%04X} for an unregistered type. */
    public static String name(int type) {
        switch (type) {
            case MAPPED_ADDRESS: return "MAPPED-ADDRESS";
            case RESPONSE_ADDRESS: return "RESPONSE-ADDRESS";
            case CHANGE_REQUEST: return "CHANGE-REQUEST";
            case USERNAME: return "USERNAME";
            case MESSAGE_INTEGRITY: return "MESSAGE-INTEGRITY";
            case ERROR_CODE: return "ERROR-CODE";
            case UNKNOWN_ATTRIBUTES: return "UNKNOWN-ATTRIBUTES";
            case CHANNEL_NUMBER: return "CHANNEL-NUMBER";
            case LIFETIME: return "LIFETIME";
            case XOR_PEER_ADDRESS: return "XOR-PEER-ADDRESS";
            case DATA: return "DATA";
            case REALM: return "REALM";
            case NONCE: return "NONCE";
            case XOR_RELAYED_ADDRESS: return "XOR-RELAYED-ADDRESS";
            case REQUESTED_ADDRESS_FAMILY: return "REQUESTED-ADDRESS-FAMILY";
            case EVEN_PORT: return "EVEN-PORT";
            case REQUESTED_TRANSPORT: return "REQUESTED-TRANSPORT";
            case DONT_FRAGMENT: return "DONT-FRAGMENT";
            case ACCESS_TOKEN: return "ACCESS-TOKEN";
            case MESSAGE_INTEGRITY_SHA256: return "MESSAGE-INTEGRITY-SHA256";
            case PASSWORD_ALGORITHM: return "PASSWORD-ALGORITHM";
            case USERHASH: return "USERHASH";
            case XOR_MAPPED_ADDRESS: return "XOR-MAPPED-ADDRESS";
            case RESERVATION_TOKEN: return "RESERVATION-TOKEN";
            case PRIORITY: return "PRIORITY";
            case USE_CANDIDATE: return "USE-CANDIDATE";
            case PADDING: return "PADDING";
            case RESPONSE_PORT: return "RESPONSE-PORT";
            case CONNECTION_ID: return "CONNECTION-ID";
            case ADDITIONAL_ADDRESS_FAMILY: return "ADDITIONAL-ADDRESS-FAMILY";
            case ADDRESS_ERROR_CODE: return "ADDRESS-ERROR-CODE";
            case ADDITIONAL_ADDRESS_FAMILY_DRAFT: return "ADDITIONAL-ADDRESS-FAMILY (coturn < 4.8)";
            case ADDRESS_ERROR_CODE_DRAFT: return "ADDRESS-ERROR-CODE (coturn < 4.8)";
            case PASSWORD_ALGORITHMS: return "PASSWORD-ALGORITHMS";
            case ALTERNATE_DOMAIN: return "ALTERNATE-DOMAIN";
            case ICMP: return "ICMP";
            case SOFTWARE: return "SOFTWARE";
            case ALTERNATE_SERVER: return "ALTERNATE-SERVER";
            case TRANSACTION_TRANSMIT_COUNTER: return "TRANSACTION_TRANSMIT_COUNTER";
            case CACHE_TIMEOUT: return "CACHE-TIMEOUT";
            case FINGERPRINT: return "FINGERPRINT";
            case ICE_CONTROLLED: return "ICE-CONTROLLED";
            case ICE_CONTROLLING: return "ICE-CONTROLLING";
            case RESPONSE_ORIGIN: return "RESPONSE-ORIGIN";
            case OTHER_ADDRESS: return "OTHER-ADDRESS";
            case ECN_CHECK: return "ECN-CHECK STUN";
            case THIRD_PARTY_AUTHORIZATION: return "THIRD-PARTY-AUTHORIZATION";
            case ORIGIN: return "ORIGIN";
            case MOBILITY_TICKET: return "MOBILITY-TICKET";
            default: return String.format("0x%04X", type);
        }
    }
}
