package dev.oidcsso.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.TokenValidator;
import dev.oidcsso.oidc.VerifiedToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Bearer JWTs already verified, so that a script repeating its token pays a hash and a lookup
 * instead of a signature check. Bounded in entries and in age; an entry is never used after its
 * token's {@code exp} (checked on every use, with the validator's clock and skew) nor before its
 * {@code nbf}, and never for another discovered provider than the one that verified it.
 *
 * <p>A token is kept the second time it is verified, not the first: most tokens an API sees once
 * (a job's token, a caller's only request), and keeping each of those, in a full cache, cost an
 * insertion and an eviction per request, a tenth of the RSA verify. The first verification only
 * notes a fingerprint of the token's digest in a fixed table (in one of two slots, so that tokens
 * sharing a slot do not erase each other's notes); a repeated token pays one more verification,
 * then is answered from the cache.
 *
 * <p>Entries are found by the SHA-256 of the whole token, compared whole; the token itself is not
 * kept. Each entry remembers the key that verified it: at most once a second per key, a use checks
 * that the key source still publishes that key, and when it does not (or when {@link #dropKey} is
 * told so) every entry of that key is dropped, so that a token is refused once the IdP drops its
 * key, as without the cache.
 */
public final class BearerTokenCache {

    /** The default bound on entries. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** The default longest time an entry is kept (its token's expiry may end it sooner). */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);

    private static final Duration KEY_RECHECK = Duration.ofSeconds(1);

    private final Cache<Digest, Entry> entries;
    /** When each key was last confirmed published, in {@link System#nanoTime()}; as many as the IdP's keys. */
    private final Map<String, Long> keyConfirmedAt = new ConcurrentHashMap<>();
    /** One digest per request thread: a provider lookup or a clone per request costs more than the hash. */
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(BearerTokenCache::newSha256);
    private final Duration maxAge;
    private final long keyRecheckNanos;
    private final boolean keepsNothing;
    /**
     * The fingerprints of tokens verified once and not kept. A token may be noted in either of two
     * slots, chosen by two other parts of its digest, and takes a free one of them before it
     * overwrites another token's note (which one, by a coin); its note is removed when it is kept.
     * With one slot per token, two tokens of the same slot used in turn overwrote each other's note
     * for ever and neither was ever kept (72 of 1 024 tokens sent in turn). A hint of what to keep,
     * never a reason to accept: a slot that lies costs one insertion or one verification more.
     */
    private final AtomicLongArray verifiedOnce;

    /**
     * A cached verification: the token as verified, the principal it resolved to, and the
     * provider that verified it.
     *
     * @param token     the verified token
     * @param principal the principal
     * @param provider  the discovered provider whose keys verified it
     * @param lifetimeNanos how long the token stays valid from when it was cached
     */
    record Entry(VerifiedToken token, Principal principal, DiscoveredProvider provider, long lifetimeNanos) {

        String keyId() {
            return token.signingKey().map(VerifiedToken.SigningKey::keyId).orElse("");
        }
    }

    /**
     * The SHA-256 of a whole token: the cache key.
     *
     * @param bytes the 32 bytes of the digest
     */
    record Digest(byte[] bytes) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Digest digest && MessageDigest.isEqual(bytes, digest.bytes);
        }

        @Override
        public int hashCode() {
            // The digest is uniform: its first four bytes are as good a hash as any.
            return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
        }

        @Override
        public String toString() {
            return "Digest[SHA-256]";
        }

        /**
         * Eight more of the digest's bytes than {@link #hashCode} and {@link #otherHash} use: with it, a table slot
         * tells one token from another. Never 0, the mark of a free slot.
         */
        long fingerprint() {
            long print = 0;
            for (int k = 4; k < 12; k++) {
                print = print << 8 | (bytes[k] & 0xff);
            }
            return print == 0 ? 1 : print;
        }

        /** A second hash, from four bytes that neither {@link #hashCode} nor {@link #fingerprint} uses. */
        int otherHash() {
            return (bytes[12] & 0xff) << 24 | (bytes[13] & 0xff) << 16 | (bytes[14] & 0xff) << 8 | (bytes[15] & 0xff);
        }
    }

    /** Creates a cache with the default bounds. */
    public BearerTokenCache() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_AGE);
    }

    /**
     * Creates a cache. Besides its entries it holds a table of 8 bytes per entry (at least 64, at
     * most 2<sup>20</sup>), where it notes the tokens verified once.
     *
     * @param maxEntries the most tokens kept, at least 0 (0 keeps none)
     * @param maxAge     the longest an entry is kept, positive
     */
    public BearerTokenCache(int maxEntries, Duration maxAge) {
        this(maxEntries, maxAge, KEY_RECHECK);
    }

    BearerTokenCache(int maxEntries, Duration maxAge, Duration keyRecheck) {
        this.keyRecheckNanos = keyRecheck.toNanos();
        if (maxEntries < 0 || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("a bearer token cache needs maxEntries >= 0 and a positive maxAge");
        }
        this.maxAge = maxAge;
        this.keepsNothing = maxEntries == 0;
        // About as many slots as entries (a power of two, at most a million: 8 MB). In n slots, a token's note outlives
        // k other tokens with a chance of about e^(-k/n) once every slot holds a note (before, none is overwritten):
        // with the default 16 384, 94 % after a thousand others.
        this.verifiedOnce = new AtomicLongArray(keepsNothing ? 1 : Integer.highestOneBit(Math.min(Math.max(maxEntries, 64), 1 << 20) - 1) << 1);
        long maxAgeNanos = maxAge.toNanos();
        // Maintenance (eviction, expiry) on the thread that wrote. With Caffeine's default, the fork-join pool,
        // each put of a token never seen woke a pool thread: 2-15 us of the request thread's CPU (up to a third
        // of the RSA verify it follows), besides the work moved to that thread. Done here it is a fraction of a us.
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).expireAfter(new Expiry<Digest, Entry>() {
            @Override
            public long expireAfterCreate(Digest key, Entry entry, long currentTime) {
                return Math.min(maxAgeNanos, entry.lifetimeNanos());
            }

            @Override
            public long expireAfterUpdate(Digest key, Entry entry, long currentTime, long currentDuration) {
                return expireAfterCreate(key, entry, currentTime);
            }

            @Override
            public long expireAfterRead(Digest key, Entry entry, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
        newSha256(); // fails here rather than on a request, should a platform lack it
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Whether this cache keeps nothing (a bound of 0 entries): then there is nothing to hash, look up or keep.
     *
     * @return true for a cache of size 0
     */
    boolean keepsNothing() {
        return keepsNothing;
    }

    /**
     * The cache key of a token.
     *
     * @param token the compact serialized token
     * @return its digest
     */
    Digest digest(String token) {
        // A JWT is ASCII: ISO-8859-1 is its bytes, without an encoder. digest() also resets it for the next request.
        return new Digest(sha256.get().digest(token.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /**
     * The principal of a token verified earlier, if it is cached for this provider and its key is
     * still published; checks its validity window now.
     *
     * @param digest    the token's digest
     * @param provider  the current discovered provider
     * @param validator the validator (its clock and skew, and the key source check)
     * @return the principal, or empty when the token must be verified
     * @throws dev.oidcsso.oidc.TokenValidationException when the cached token has expired or is not valid yet
     */
    Optional<Principal> find(Digest digest, DiscoveredProvider provider, TokenValidator validator) {
        return findEntry(digest, provider, validator).map(Entry::principal);
    }

    /** As {@link #find}, with the verified token (for its issue time). */
    Optional<Entry> findEntry(Digest digest, DiscoveredProvider provider, TokenValidator validator) {
        Entry entry = entries.getIfPresent(digest);
        if (entry == null || entry.provider() != provider) {
            return Optional.empty();
        }
        try {
            validator.checkTimes(entry.token());
        } catch (RuntimeException e) {
            entries.invalidate(digest);
            throw e;
        }
        String keyId = entry.keyId();
        Long confirmed = keyConfirmedAt.get(keyId);
        long now = System.nanoTime();
        if (confirmed == null || now - confirmed >= keyRecheckNanos) {
            if (!validator.keyStillPublished(provider, entry.token())) {
                dropKey(keyId);
                return Optional.empty();
            }
            keyConfirmedAt.put(keyId, now);
        }
        return Optional.of(entry);
    }

    /**
     * Keeps a verification if the same token was verified before, recently; else only notes it, so
     * that its next verification is kept.
     *
     * @param digest    the token's digest
     * @param token     the verified token
     * @param principal its principal
     * @param provider  the provider that verified it
     * @param validator the validator that verified it (how long the token stays valid, asked only when it is kept)
     */
    void offer(Digest digest, VerifiedToken token, Principal principal, DiscoveredProvider provider, TokenValidator validator) {
        if (keepsNothing) {
            return;
        }
        int mask = verifiedOnce.length() - 1;
        int first = digest.hashCode() & mask;
        int second = digest.otherHash() & mask;
        long print = digest.fingerprint();
        // Opaque: no ordering is needed, only whole values; a race costs at most one insertion or verification more.
        long inFirst = verifiedOnce.getOpaque(first);
        long inSecond = verifiedOnce.getOpaque(second);
        if (inFirst == print || inSecond == print) {
            verifiedOnce.compareAndSet(inFirst == print ? first : second, print, 0); // its slot is free for another
            put(digest, token, principal, provider, validator.remainingLifetime(token));
            return;
        }
        // A free slot first. When both hold notes (the steady state: notes leave only with their token kept), a coin
        // picks which is overwritten: any fixed choice makes two tokens of the same chosen slot, used in turn, erase
        // each other's note for ever, as one slot a token did; with the coin such a pair is kept within a few uses.
        int slot = inFirst == 0 ? first : inSecond == 0 ? second : ThreadLocalRandom.current().nextBoolean() ? first : second;
        verifiedOnce.setOpaque(slot, print);
    }

    /**
     * Keeps a verification.
     *
     * @param digest    the token's digest
     * @param token     the verified token
     * @param principal its principal
     * @param provider  the provider that verified it
     * @param lifetime  how long the token stays valid from now
     */
    void put(Digest digest, VerifiedToken token, Principal principal, DiscoveredProvider provider, Duration lifetime) {
        if (lifetime.isZero() || token.signingKey().isEmpty()) {
            return; // a token whose key cannot be named could not be dropped with its key
        }
        keyConfirmedAt.putIfAbsent(token.signingKey().get().keyId(), System.nanoTime()); // it has just verified
        // A far-future exp would overflow nanoseconds: the age bound comes first.
        entries.put(digest, new Entry(token, principal, provider, (lifetime.compareTo(maxAge) > 0 ? maxAge : lifetime).toNanos()));
    }

    /**
     * The hook for whoever learns that the IdP no longer publishes a key (a JWKS refetch, an
     * administrator): every cached token that key verified is dropped at once, so its next use is
     * verified again and refused.
     *
     * @param keyId the {@code kid} of the dropped key
     */
    public void dropKey(String keyId) {
        keyConfirmedAt.remove(keyId);
        entries.asMap().values().removeIf(entry -> entry.keyId().equals(keyId));
    }

    /**
     * How many tokens are cached (an estimate), for tests and metrics.
     *
     * @return the entry count
     */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
