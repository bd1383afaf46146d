package io.incidenttracker.query.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a webhook may be sent (the SSRF guard). In production only {@code https} URLs whose host resolves to public
 * addresses only: no loopback, private (RFC 1918, unique local), link-local (cloud metadata at 169.254.169.254),
 * carrier-grade NAT, multicast, unspecified or documentation addresses. Checked when a subscription is registered
 * and again before every attempt, since DNS can change. {@code allowLocal} (local runs and tests) accepts
 * {@code http} and any address.
 */
public final class TargetPolicy {

    private final boolean allowLocal;

    public TargetPolicy(boolean allowLocal) {
        this.allowLocal = allowLocal;
    }

    /** Why a URL is refused as written (before any DNS lookup), or empty when its form is acceptable. */
    public Optional<String> refusalOfForm(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowLocal && scheme.equals("http"))) {
            return Optional.of(allowLocal ? "must be an http or https URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment");
        }
        return Optional.empty();
    }

    /**
     * Why a URL is refused now: its form, or an address its host resolves to at this moment; empty when it may be
     * called.
     */
    public Optional<String> refusal(String url) {
        Optional<String> form = refusalOfForm(url);
        if (form.isPresent() || allowLocal) {
            return form;
        }
        String host = URI.create(url).getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(stripBrackets(host));
        } catch (UnknownHostException e) {
            return Optional.of("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                return Optional.of("host " + host + " resolves to " + address.getHostAddress()
                        + ", which is not a public address");
            }
        }
        return Optional.empty();
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether an address is a public unicast address. */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isPublicV4(b);
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {                       // fc00::/7 unique local
                return false;
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return false;                                   // 2001:db8::/32 documentation
            }
            boolean zeroPrefix = true;                          // ::ffff:a.b.c.d and ::a.b.c.d embed IPv4
            for (int i = 0; i < 10; i++) {
                zeroPrefix &= b[i] == 0;
            }
            if (zeroPrefix && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x02) {       // 2002::/16 6to4 embeds IPv4
                return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]});
            }
            if (first == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
            }
            return true;
        }
        return false;
    }

    private static boolean isPublicV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        return !(a0 == 0                                        // 0.0.0.0/8
                || a0 == 10                                     // 10/8
                || a0 == 127                                    // loopback
                || (a0 == 100 && a1 >= 64 && a1 <= 127)         // 100.64/10 carrier-grade NAT
                || (a0 == 169 && a1 == 254)                     // link-local, cloud metadata
                || (a0 == 172 && a1 >= 16 && a1 <= 31)          // 172.16/12
                || (a0 == 192 && a1 == 0 && a2 == 0)            // 192.0.0/24 protocol assignments
                || (a0 == 192 && a1 == 0 && a2 == 2)            // TEST-NET-1
                || (a0 == 192 && a1 == 168)                     // 192.168/16
                || (a0 == 198 && (a1 == 18 || a1 == 19))        // benchmarking
                || (a0 == 198 && a1 == 51 && a2 == 100)         // TEST-NET-2
                || (a0 == 203 && a1 == 0 && a2 == 113)          // TEST-NET-3
                || a0 >= 224);                                  // multicast, reserved, broadcast
    }
}
