package io.incidenttracker.query.stix;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an indicator recorded as free text into a STIX 2.1 pattern (section 9, STIX Patterning) when its kind is
 * recognised: an IPv4 or IPv6 address (or CIDR block), a URL, an e-mail address, a domain name, or an MD5, SHA-1,
 * SHA-256 or SHA-512 file hash (by its length in hex digits). Anything else is not recognised and stays text: a
 * pattern is never guessed.
 */
public final class StixPatterns {

    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}(/(3[0-2]|[12]?\\d))?");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(/(12[0-8]|1[01]\\d|[1-9]?\\d))?");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
            + "[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
            + "[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
    /** File names look like domain names; these endings make a name a file, not a domain. */
    private static final Set<String> FILE_ENDINGS = Set.of("exe", "dll", "sys", "bat", "cmd", "ps1", "vbs", "js",
            "jar", "rar", "7z", "doc", "docx", "xls", "xlsx", "pdf", "lnk", "hta", "scr", "msi", "iso", "tmp",
            "log", "txt", "dat", "bin", "py", "sh", "elf", "so", "dmg", "apk", "gz", "tar");

    private StixPatterns() {
    }

    /** A recognised indicator: its pattern and the kind of observable it matches. */
    public record Recognised(String pattern, String kind) {
    }

    public static Optional<Recognised> recognise(String indicator) {
        if (indicator == null) {
            return Optional.empty();
        }
        String value = indicator.strip();
        if (value.isEmpty() || value.length() > 2048 || value.chars().anyMatch(Character::isISOControl)) {
            return Optional.empty();
        }
        if (IPV4.matcher(value).matches()) {
            return Optional.of(comparison("ipv4-addr:value", value, "ipv4-addr"));
        }
        if (value.contains(":") && IPV6_CHARS.matcher(value).matches() && isIpv6(value)) {
            return Optional.of(comparison("ipv6-addr:value", value.toLowerCase(Locale.ROOT), "ipv6-addr"));
        }
        if (HEX.matcher(value).matches()) {
            String hash = switch (value.length()) {
                case 32 -> "MD5";
                case 40 -> "'SHA-1'";
                case 64 -> "'SHA-256'";
                case 128 -> "'SHA-512'";
                default -> null;
            };
            return hash == null ? Optional.empty()
                    : Optional.of(comparison("file:hashes." + hash, value.toLowerCase(Locale.ROOT), "file"));
        }
        if (isUrl(value)) {
            return Optional.of(comparison("url:value", value, "url"));
        }
        if (EMAIL.matcher(value).matches()) {
            return Optional.of(comparison("email-addr:value", value, "email-addr"));
        }
        if (DOMAIN.matcher(value).matches()) {
            String ending = value.substring(value.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (!FILE_ENDINGS.contains(ending)) {
                return Optional.of(comparison("domain-name:value", value.toLowerCase(Locale.ROOT), "domain-name"));
            }
        }
        return Optional.empty();
    }

    /** {@code [path = 'value']}, the value a STIX string literal (backslash and quote escaped). */
    private static Recognised comparison(String path, String value, String kind) {
        return new Recognised("[" + path + " = '" + escape(value) + "']", kind);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'");
    }

    private static boolean isIpv6(String value) {
        String address = value.contains("/") ? value.substring(0, value.indexOf('/')) : value;
        try {
            // a literal only (checked above): no name lookup happens
            return InetAddress.getByName(address) instanceof Inet6Address;
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isUrl(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ftp://"))
                || value.chars().anyMatch(Character::isWhitespace)) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
