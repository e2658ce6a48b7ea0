package dev.oidcsso.store.jdbc;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts hash comparisons, to show that every verification path compares exactly once. */
final class CountingHasher extends TokenHasher {

    final AtomicInteger comparisons = new AtomicInteger();

    CountingHasher() {
        super(new SecureRandom());
    }

    @Override
    boolean sameHash(byte[] expected, byte[] presented) {
        comparisons.incrementAndGet();
        return super.sameHash(expected, presented);
    }
}
