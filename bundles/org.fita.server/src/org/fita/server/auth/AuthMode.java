package org.fita.server.auth;

/** How LOGIN checks passwords. */
public enum AuthMode {
    /** password = md5(username), as the coursework reference server does; for classic peers. */
    CLASSIC,
    /** Real accounts with salted, slow-hashed passwords, managed with {@code fita-server user}. */
    ACCOUNTS
}
