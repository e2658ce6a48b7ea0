package dev.oidcsso.store;

/**
 * Learns of changes made by this or any other replica, to invalidate a cache. Called on the
 * change-poller thread; implementations must be quick and must not throw.
 */
public interface ChangeListener {

    /**
     * One change was made.
     *
     * @param change the change
     */
    void changed(Change change);

    /**
     * Changes may have been missed (the database was unreachable, or its change log was pruned or
     * restored past what this replica saw): forget everything cached.
     */
    void invalidateAll();
}
