package dev.oidcsso.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jwt.JWTClaimsSet;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workload tokens already verified: a pipeline repeating its token pays a hash and a lookup instead
 * of a signature check. Unlike {@link BearerTokenCache}, it keeps a token the first time it is
 * verified: a job's token is sent again and again for the job's length. Bounded in entries and in age;
 * the caller checks {@code exp} and {@code nbf} on every use; at most once a second per key, a use
 * checks that the issuer still publishes the key that verified the token, and every entry of a key
 * that left the issuer's JWKS is dropped. Found by the SHA-256 of the whole token; the token itself
 * is not kept.
 */
final class WorkloadTokenCache {

    /** The longest an entry is kept (its token's expiry may end it sooner). */
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** The most tokens kept. */
    static final int MAX_ENTRIES = 10_000;
    private static final long KEY_RECHECK_NANOS = Duration.ofSeconds(1).toNanos();

    /**
     * One verified token.
     *
     * @param claims        the verified claims (times are checked again at each use)
     * @param issuer        the issuer whose keys verified it
     * @param keyId         the {@code kid} of the key that verified it
     * @param key           that key
     * @param workload      the workload issuer setting's name whose rules it satisfied
     * @param principal     what it authenticated as
     * @param lifetimeNanos how long it stays valid from when it was cached
     */
    record Entry(JWTClaimsSet claims, String issuer, String keyId, Key key, String workload, Principal principal,
                 long lifetimeNanos) {

        String keyName() {
            return issuer + " " + keyId;
        }
    }

    private final Cache<BearerTokenCache.Digest, Entry> entries;
    private final Map<String, Long> keyConfirmedAt = new ConcurrentHashMap<>();
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(WorkloadTokenCache::newSha256);

    WorkloadTokenCache() {
        long maxAgeNanos = MAX_AGE.toNanos();
        // Maintenance on the writing thread, as in BearerTokenCache: no fork-join wake-up per new token.
        this.entries = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).executor(Runnable::run).expireAfter(new Expiry<BearerTokenCache.Digest, Entry>() {
            @Override
            public long expireAfterCreate(BearerTokenCache.Digest key, Entry entry, long currentTime) {
                return Math.min(maxAgeNanos, entry.lifetimeNanos());
            }

            @Override
            public long expireAfterUpdate(BearerTokenCache.Digest key, Entry entry, long currentTime, long currentDuration) {
                return expireAfterCreate(key, entry, currentTime);
            }

            @Override
            public long expireAfterRead(BearerTokenCache.Digest key, Entry entry, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    BearerTokenCache.Digest digest(String token) {
        return new BearerTokenCache.Digest(sha256.get().digest(token.getBytes(StandardCharsets.ISO_8859_1)));
    }

    Optional<Entry> get(BearerTokenCache.Digest digest) {
        return Optional.ofNullable(entries.getIfPresent(digest));
    }

    void invalidate(BearerTokenCache.Digest digest) {
        entries.invalidate(digest);
    }

    /** Whether the entry's key was confirmed as published more than a second ago (or never). */
    boolean keyCheckDue(Entry entry) {
        Long confirmed = keyConfirmedAt.get(entry.keyName());
        return confirmed == null || System.nanoTime() - confirmed >= KEY_RECHECK_NANOS;
    }

    void keyConfirmed(Entry entry) {
        keyConfirmedAt.put(entry.keyName(), System.nanoTime());
    }

    /** Drops every entry verified by this entry's key: the issuer no longer publishes it. */
    void dropKey(Entry dropped) {
        keyConfirmedAt.remove(dropped.keyName());
        entries.asMap().values().removeIf(entry -> entry.keyName().equals(dropped.keyName()));
    }

    void put(BearerTokenCache.Digest digest, Entry entry) {
        if (entry.lifetimeNanos() <= 0) {
            return;
        }
        keyConfirmedAt.putIfAbsent(entry.keyName(), System.nanoTime());
        entries.put(digest, entry);
    }

    /** @return how many tokens are kept (for tests) */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
