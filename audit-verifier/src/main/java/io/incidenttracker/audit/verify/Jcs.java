package io.incidenttracker.audit.verify;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme: members sorted by the UTF-16 code units of their names, no whitespace,
 * strings with only the mandatory escapes, numbers in ECMAScript's shortest round-trip form. Works on the values
 * {@link Json} produces (and on {@link Integer}, {@link java.math.BigInteger}-free numbers in general).
 */
public final class Jcs {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final double MAX_EXACT_INTEGER = 9007199254740992d;

    private Jcs() {
    }

    public static byte[] canonicalize(Object value) {
        return canonicalString(value).getBytes(StandardCharsets.UTF_8);
    }

    public static String canonicalString(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Number n) {
            out.append(number(n));
        } else if (value instanceof Map<?, ?> map) {
            writeObject((Map<String, Object>) map, out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void writeObject(Map<String, Object> map, StringBuilder out) {
        List<String> names = new ArrayList<>(map.keySet());
        // String.compareTo compares UTF-16 code units, which is exactly the order RFC 8785 asks for
        Collections.sort(names);
        out.append('{');
        boolean first = true;
        for (String name : names) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(name, out);
            out.append(':');
            write(map.get(name), out);
        }
        out.append('}');
    }

    /**
     * A string with only the mandatory escapes. The characters between escapes are appended as runs, not one by one:
     * the ledger writes every leaf's strings through here, and most of them have nothing to escape.
     */
    static void writeString(String s, StringBuilder out) {
        out.append('"');
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            out.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        throw new IllegalArgumentException("lone surrogate in string");
                    }
                }
            }
        }
        out.append(s, run, s.length());
        out.append('"');
    }

    /** A number as ECMAScript's Number.prototype.toString writes the IEEE 754 double it denotes. */
    static String number(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            long v = n.longValue();
            if (v >= -(1L << 53) && v <= (1L << 53)) {
                return Long.toString(v);
            }
        }
        return number(n.doubleValue());
    }

    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("NaN and Infinity are not JSON numbers");
        }
        if (v == 0) {
            return "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < MAX_EXACT_INTEGER) {
            return Long.toString((long) v);
        }
        String sign = v < 0 ? "-" : "";
        double abs = Math.abs(v);
        BigDecimal exact = new BigDecimal(abs);
        BigDecimal shortest = null;
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == abs) {
                shortest = candidate;
                break;
            }
        }
        if (shortest == null) {
            throw new IllegalStateException("no round-trip form for " + v);
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale();
        StringBuilder out = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            out.append(digits);
            out.append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return out.toString();
    }
}
