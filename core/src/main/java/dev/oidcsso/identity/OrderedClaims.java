package dev.oidcsso.identity;

import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.util.DateUtils;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * Identity claims as an immutable map in the order they were given: a token's claims in the
 * token's order. That order is what an {@code expression} validator's {@code keys(@)} and
 * {@code values(@)} see for a bearer token; a map made from another map keeps that map's order.
 *
 * <p>Made once per bearer token and kept as it is by {@link Identity}, instead of the claims set's
 * JSON object and an immutable copy of it: at the RSA verify floor the two copies were measurable.
 * Values may be null (a JSON null); they are the objects given (nested lists and maps are not copied).
 */
public final class OrderedClaims extends AbstractMap<String, Object> {

    private static final OrderedClaims EMPTY = new OrderedClaims(new String[0], new Object[0], 0);
    /** Up to this many names a lookup compares names; past it, a hash table is built. */
    private static final int SCANNED = 8;

    private final String[] names;
    private final Object[] values;
    private final int size;
    /** Open addressing over the names' hashes, index + 1 per slot (0: empty); null while the names are few. */
    private final int[] slots;
    private Set<Entry<String, Object>> entries;

    private OrderedClaims(String[] names, Object[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
        this.slots = size <= SCANNED ? null : index(names, size);
    }

    /**
     * A verified token's claims as its JSON object, as {@link JWTClaimsSet#toJSONObject()} makes it
     * (times as seconds, a single audience as text, null claims left out), in the token's order.
     *
     * @param claims the claims
     * @return the claims as a map
     */
    public static OrderedClaims of(JWTClaimsSet claims) {
        Map<String, Object> all = claims.getClaims();
        String[] names = new String[all.size()];
        Object[] values = new Object[all.size()];
        int size = 0;
        for (Map.Entry<String, Object> claim : all.entrySet()) {
            Object value = claim.getValue();
            if (value instanceof Date date) {
                value = DateUtils.toSecondsSinceEpoch(date);
            } else if (JWTClaimNames.AUDIENCE.equals(claim.getKey())) {
                List<String> audience = claims.getAudience();
                if (audience == null || audience.isEmpty()) {
                    continue;
                }
                value = audience.size() == 1 ? audience.get(0) : new ArrayList<>(audience);
            } else if (value == null) {
                continue;
            }
            names[size] = claim.getKey();
            values[size] = value;
            size++;
        }
        return new OrderedClaims(names, values, size);
    }

    /**
     * The claims of a map, in its order; an {@code OrderedClaims} is returned as it is.
     *
     * @param claims the claims
     * @return an immutable map of them
     * @throws NullPointerException when a name is null
     */
    public static OrderedClaims copyOf(Map<String, ?> claims) {
        if (claims instanceof OrderedClaims ordered) {
            return ordered;
        }
        if (claims.isEmpty()) {
            return EMPTY;
        }
        String[] names = new String[claims.size()];
        Object[] values = new Object[claims.size()];
        int size = 0;
        for (Map.Entry<String, ?> claim : claims.entrySet()) {
            if (size == names.length) { // a map whose size changed while it was read
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = Objects.requireNonNull(claim.getKey(), "a claim's name");
            values[size] = claim.getValue();
            size++;
        }
        return new OrderedClaims(names, values, size);
    }

    private static int[] index(String[] names, int size) {
        int[] slots = new int[Integer.highestOneBit(size * 2 - 1) << 1]; // a power of two, at most half full
        int mask = slots.length - 1;
        for (int k = 0; k < size; k++) {
            int slot = spread(names[k].hashCode()) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = k + 1;
        }
        return slots;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    private int indexOf(Object name) {
        if (!(name instanceof String text)) {
            return -1;
        }
        if (slots == null) {
            for (int k = 0; k < size; k++) {
                if (names[k].equals(text)) {
                    return k;
                }
            }
            return -1;
        }
        int mask = slots.length - 1;
        for (int slot = spread(text.hashCode()) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int k = slots[slot] - 1;
            if (names[k].equals(text)) {
                return k;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int k = indexOf(key);
        return k < 0 ? null : values[k];
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Set<Entry<String, Object>> made = entries;
        if (made == null) {
            made = new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < size;
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (next >= size) {
                                throw new NoSuchElementException();
                            }
                            int k = next++;
                            return new SimpleImmutableEntry<>(names[k], values[k]);
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
            entries = made;
        }
        return made;
    }
}
