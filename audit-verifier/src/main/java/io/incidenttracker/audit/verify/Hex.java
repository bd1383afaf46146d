package io.incidenttracker.audit.verify;

import java.util.HexFormat;

/** Lowercase hexadecimal, as the audit API writes hashes. */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * Decodes hexadecimal (either case, ASCII digits only: {@link Character#digit} would also read the fullwidth
     * and other Unicode digits); throws {@link IllegalArgumentException} on anything else.
     */
    public static byte[] decode(String hex) {
        if (hex == null || hex.length() % 2 != 0) {
            throw new IllegalArgumentException("not an even-length hexadecimal string");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hexadecimal string");
        }
    }

    /** A SHA-256 hash in lowercase hex: exactly 64 characters. */
    public static byte[] decodeHash(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("a hash is 64 hexadecimal characters");
        }
        return decode(hex);
    }
}
