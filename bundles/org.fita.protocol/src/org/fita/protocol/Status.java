package org.fita.protocol;

/**
 * Status codes. The first group is STEP's (STEP-PROTOCOL section 10, with what the reference
 * server really uses each for); the second group is FiTA's, documented in
 * docs/protocol-extensions.md. Peers treat any status other than 200 as a failure.
 */
public enum Status {
    OK(200, "OK"),
    DO_NOT_ANSWER(333, "Easter egg"),
    COMPULSORY_FIELD_MISSING(400, "Compulsory field is missing"),
    PASSWORD_ERROR(401, "Password error for login"),
    KEY_EXISTS(402, "The key is existing"),
    TOKEN_REJECTED(403, "No token or token is wrong"),
    NOT_FOUND(404, "Cannot find the key"),
    BLOCK_INDEX_OVER_MAX(405, "block_index over the maximum"),
    BLOCK_SIZE_WRONG(406, "Upload size is not the required block size"),
    WRONG_DIRECTION(407, "Wrong direction"),
    OPERATION_NOT_ALLOWED(408, "Operation is not allowed"),
    TYPE_NOT_ALLOWED(409, "Type is not allowed"),
    FIELD_MISSING(410, "Field is missing"),

    INVALID_VALUE(411, "A field has the wrong JSON type or a value outside its rules"),
    TOO_LARGE(413, "A frame, file or block size is over the server's limit"),
    CHECKSUM_MISMATCH(414, "A block's CRC-32C does not match its bytes"),
    QUOTA_EXCEEDED(415, "The plan would take the user over their quota"),
    /** The port requires TLS and the client spoke plain STEP (the reply says how to connect); the connection closes. */
    TLS_REQUIRED(426, "The server accepts only TLS on this port"),
    TOO_MANY_CONNECTIONS(429, "The server has no free connection slot"),
    SERVER_ERROR(500, "The server failed to carry out a valid request"),
    INSUFFICIENT_STORAGE(507, "The server's storage is full");

    private final int code;
    private final String meaning;

    Status(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The status for a code, or {@code null} for a code neither STEP nor FiTA defines. */
    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
