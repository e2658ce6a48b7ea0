package dev.oidcsso.store;

import dev.oidcsso.session.SessionRevocations;

/**
 * Sessions ended early (logout, an administrator's revocation), shared by every replica through the
 * database. A revocation is kept until the session would have expired anyway, and reaches every
 * replica within a poll interval. Session ids are stored only as their SHA-256. Every method may
 * throw {@link StoreUnavailableException}; {@link #isRevoked} answers from the cache when warm.
 */
public interface RevocationStore extends SessionRevocations {
}
