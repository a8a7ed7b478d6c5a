package dev.tandem.clarity.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The source addresses allowed to deliver Clarity webhooks: IPv4 and IPv6 CIDR blocks (e.g. {@code 10.0.0.0/8},
 * {@code 2001:db8::/32}; a bare address is a single host). A defence in depth in front of the signature check
 * (clarity-api.md §11), which stays the real authentication.
 *
 * <p>Only address literals are accepted, never host names: parsing must not cause a DNS lookup, whose answer an
 * attacker could influence. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is matched as the IPv4 address.
 *
 * <p>Replay protection is not this class's job: the verifier rejects stale timestamps (5 min), and the event log
 * de-duplicates on {@code EventID}, which together stop a captured delivery being replayed (§11).
 *
 * <p>Immutable and thread-safe.
 */
public final class CidrAllowlist {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    private record Block(byte[] network, int prefix, String text) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;

    private CidrAllowlist(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses the blocks; blank entries are skipped.
     *
     * @throws IllegalArgumentException naming the first entry that is not an address literal or CIDR block, or
     *                                  whose host bits are set (e.g. {@code 10.0.0.1/8}, almost always a typo)
     */
    public static CidrAllowlist parse(List<String> cidrs) {
        Objects.requireNonNull(cidrs, "cidrs");
        List<Block> blocks = new ArrayList<>();
        for (String raw : cidrs) {
            if (raw == null || raw.isBlank()) {
                continue;
            }
            blocks.add(block(raw.strip()));
        }
        return new CidrAllowlist(blocks);
    }

    /** Parses a comma-separated list, as configuration files write it. */
    public static CidrAllowlist parse(String commaSeparated) {
        Objects.requireNonNull(commaSeparated, "commaSeparated");
        return parse(List.of(commaSeparated.split(",", -1)));
    }

    /** True when no block is configured (the endpoint then relies on the signature alone). */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** Whether {@code address} lies in one of the blocks; an empty list allows nothing. */
    public boolean allows(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = address.getAddress();
        return blocks.stream().anyMatch(b -> b.contains(bytes));
    }

    /**
     * Whether the address literal lies in one of the blocks; anything that is not an address literal is refused.
     */
    public boolean allows(String addressLiteral) {
        try {
            return allows(literal(addressLiteral, addressLiteral));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "CidrAllowlist" + blocks.stream().map(Block::text).toList();
    }

    private static Block block(String text) {
        int slash = text.indexOf('/');
        String addressPart = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = literal(addressPart, text);
        byte[] network = address.getAddress();
        int max = network.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!PREFIX.matcher(p).matches() || Integer.parseInt(p) > max) {
                throw new IllegalArgumentException("Not a CIDR block: '" + text + "' (the prefix length must be 0.."
                        + max + ")");
            }
            prefix = Integer.parseInt(p);
        }
        Block block = new Block(network, prefix, text);
        byte[] masked = network.clone();
        for (int bit = prefix; bit < max; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        if (!java.util.Arrays.equals(masked, network)) {
            throw new IllegalArgumentException("Not a CIDR block: '" + text + "' has host bits set beyond /" + prefix);
        }
        return block;
    }

    private static InetAddress literal(String address, String entry) {
        if (address == null || !(IPV4.matcher(address).matches()
                || address.indexOf(':') >= 0 && IPV6.matcher(address).matches())) {
            throw new IllegalArgumentException("Not a CIDR block or IP address literal: '" + entry + "'");
        }
        try {
            // a literal of this shape never triggers a DNS lookup
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not a CIDR block or IP address literal: '" + entry + "'", e);
        }
    }
}
