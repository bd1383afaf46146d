package io.incidenttracker.query.consuming;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Year;

/**
 * Date-times as PostgreSQL writes a {@code timestamptz} into JSON ({@code 2023-08-30T06:15:00.123456+00:00}) and as
 * the events carry them ({@code 2023-08-30T06:15:00Z}), read without {@link java.time.format.DateTimeFormatter}.
 * An incident's detail is read with its collections aggregated as JSON, every change and status with its instants in
 * that text; parsing them with the JDK's formatter was a fifth of the status projection's thread under live load
 * (docs/performance-log.md, "Instants read without the formatter"). Every record read from the topic carries three or
 * more: its CloudEvent's {@code time} and {@code recordedat}, the event's own instants ("The records decoded without
 * the SDK and the formatter").
 * <p>
 * Only the exact form {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)} with a four-digit year is read here; anything
 * else (another form, a date that does not exist) goes to the JDK, which reads it or refuses it as before. The JDK
 * gives the same instant for every text this one reads, with {@link OffsetDateTime#parse} and with
 * {@link Instant#parse} ({@code IsoTimesTest}).
 */
public final class IsoTimes {

    private static final int SECONDS_PER_DAY = 86_400;

    private IsoTimes() {
    }

    /** The instant the ISO-8601 offset date-time names; refused as {@link OffsetDateTime#parse} refuses it. */
    public static Instant instant(String text) {
        Instant read = read(text);
        return read != null ? read : OffsetDateTime.parse(text).toInstant();
    }

    /** The instant, as {@link Instant#parse} reads it (or refuses it). */
    public static Instant parseInstant(String text) {
        Instant read = read(text);
        return read != null ? read : Instant.parse(text);
    }

    /** The instant, or null when the text is not exactly in the form read here. */
    public static Instant read(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > lengthOfMonth(year, month)) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - start == 9) {
                    return null;
                }
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int offsetHours = digits(s, i + 1, i + 3);
            int offsetMinutes = digits(s, i + 4, i + 6);
            if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59
                    || (offsetHours == 18 && offsetMinutes > 0)) {
                return null;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        long seconds = epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second
                - offsetSeconds;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The decimal number in {@code s[from, to)}, or -1 if any of its characters is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> Year.isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days from 1970-01-01 to the date in the proleptic Gregorian calendar (as {@code LocalDate.toEpochDay}). */
    private static long epochDay(int year, int month, int day) {
        // days from civil: years counted from March, so that the leap day ends a year
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }
}
