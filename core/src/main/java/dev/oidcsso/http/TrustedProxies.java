package dev.oidcsso.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The addresses of the reverse proxies whose forwarding and identity headers are believed: single
 * addresses and CIDR ranges, IPv4 and IPv6. Only literal addresses are accepted, so checking a
 * peer never triggers a DNS look-up.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** @return a list that trusts no address */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * Parses entries such as {@code 127.0.0.1}, {@code 10.0.0.0/8} or {@code ::1}.
     *
     * @param entries the entries
     * @param problems where to report unusable entries
     * @return the list
     */
    public static TrustedProxies parse(List<String> entries, List<String> problems) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            Optional<Range> range = Range.parse(entry.trim());
            if (range.isPresent()) {
                ranges.add(range.get());
            } else {
                problems.add("OIDC_TRUSTED_PROXIES entry '" + entry + "' is not an IP address or CIDR range such as 10.0.0.0/8");
            }
        }
        return new TrustedProxies(ranges);
    }

    /** @return whether a {@code /0} range makes every address of a family a trusted proxy */
    public boolean trustsEveryAddress() {
        return ranges.stream().anyMatch(range -> range.prefix() == 0);
    }

    /** @return whether no address is trusted */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * Whether a peer address is a trusted proxy.
     *
     * @param address the peer's literal address as the server reports it
     * @return true when trusted
     */
    public boolean trusts(String address) {
        if (ranges.isEmpty()) {
            return false;
        }
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && ranges.stream().anyMatch(range -> range.contains(bytes.get()));
    }

    static Optional<byte[]> literal(String text) {
        String candidate = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        int zone = candidate.indexOf('%');
        if (zone >= 0) {
            candidate = candidate.substring(0, zone);
        }
        boolean v4 = IPV4.matcher(candidate).matches();
        boolean v6 = candidate.indexOf(':') >= 0 && candidate.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            // A literal is parsed without a DNS look-up.
            byte[] address = InetAddress.getByName(candidate).getAddress();
            return Optional.of(address.length == 16 && isMappedV4(address) ? java.util.Arrays.copyOfRange(address, 12, 16) : address);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isMappedV4(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    private record Range(byte[] network, int prefix) {

        static Optional<Range> parse(String entry) {
            int slash = entry.indexOf('/');
            Optional<byte[]> address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            int bits = address.get().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (prefix < 0 || prefix > bits) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Range(address.get(), prefix));
        }

        boolean contains(byte[] candidate) {
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
