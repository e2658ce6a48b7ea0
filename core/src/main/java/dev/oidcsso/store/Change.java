package dev.oidcsso.store;

import java.util.Objects;

/**
 * One change-log entry, as delivered to a {@link ChangeListener}.
 *
 * @param id   the entry's id, increasing with each change
 * @param kind what kind of thing changed
 * @param key  which one (see {@link ChangeKind} for each kind's key)
 */
public record Change(long id, ChangeKind kind, String key) {

    /**
     * Checks that nothing is missing.
     *
     * @param id   the entry's id
     * @param kind the kind
     * @param key  the key
     */
    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
    }
}
