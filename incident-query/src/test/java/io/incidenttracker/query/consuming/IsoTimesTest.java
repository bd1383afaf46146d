package io.incidenttracker.query.consuming;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Date-times of the projection's JSON and of the records, read without the JDK's formatter, as the JDK reads them. */
class IsoTimesTest {

    @Test
    void readsWhatPostgresWritesAsTheJdkReadsIt() {
        Random random = new Random(20261203);
        List<ZoneOffset> offsets = List.of(ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30),
                                           ZoneOffset.ofHours(-8), ZoneOffset.ofHours(14), ZoneOffset.ofHours(-18),
                                           ZoneOffset.ofHours(18), ZoneOffset.ofHoursMinutes(-3, -45));
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(Instant.parse("0001-01-01T00:00:00Z").getEpochSecond(),
                                           Instant.parse("9998-12-31T00:00:00Z").getEpochSecond());
            int digits = random.nextInt(10);
            int nanos = random.nextInt(1_000_000_000);
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            OffsetDateTime time = instant.atOffset(offsets.get(random.nextInt(offsets.size())));
            String pattern = "yyyy-MM-dd'T'HH:mm:ss" + (digits == 0 ? "" : "." + "S".repeat(digits)) + "xxx";
            String text = DateTimeFormatter.ofPattern(pattern).format(time);
            if (random.nextBoolean() && time.getOffset().equals(ZoneOffset.UTC)) {
                text = text.substring(0, text.length() - 6) + "Z";
            }
            Instant read = IsoTimes.read(text);
            assertThat(read).as(text).isNotNull().isEqualTo(OffsetDateTime.parse(text).toInstant());
            assertThat(IsoTimes.instant(text)).isEqualTo(read);
            assertThat(IsoTimes.parseInstant(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void readsTheEdgesOfTheCalendar() {
        for (String text : List.of("2000-02-29T23:59:59.999999999Z", "2024-02-29T00:00:00+00:00",
                                   "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5-00:30", "0000-01-01T00:00:00Z",
                                   "9999-12-31T23:59:59+18:00", "2023-08-30T06:15:00.1+02:00")) {
            assertThat(IsoTimes.read(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
        }
    }

    @Test
    void leavesEveryOtherFormToTheJdk() {
        for (String text : List.of("2023-08-30T06:15:00+02", "2023-08-30T06:15+00:00", "2023-08-30T06:15:00+02:00:30",
                                   "+12023-08-30T06:15:00Z", "2023-08-30 06:15:00Z", "2023-08-30T06:15:00z",
                                   "2023-08-30T06:15:00.Z")) {
            assertThat(IsoTimes.read(text)).as(text).isNull();
        }
        assertThat(IsoTimes.instant("2023-08-30T06:15+00:00")).isEqualTo(Instant.parse("2023-08-30T06:15:00Z"));
        assertThat(IsoTimes.instant("2023-08-30T06:15:00.Z")).as("an empty fraction, which the JDK reads")
                .isEqualTo(Instant.parse("2023-08-30T06:15:00Z"));
    }

    @Test
    void refusesWhatTheJdkRefuses() {
        for (String text : List.of("2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2023-04-31T00:00:00Z",
                                   "2023-13-01T00:00:00Z", "2023-00-10T00:00:00Z", "2023-08-30T24:00:00Z",
                                   "2023-08-30T06:60:00Z", "2023-08-30T06:15:60Z",
                                   "2023-08-30T06:15:00.1234567890Z", "2023-08-30T06:15:00+18:30",
                                   "2023-08-30T06:15:00+19:00", "2023-08-30T06:15:00", "2023-0８-30T06:15:00Z",
                                   "not a time")) {
            assertThat(IsoTimes.read(text)).as(text).isNull();
            assertThatThrownBy(() -> OffsetDateTime.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> IsoTimes.instant(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Test
    void readsAnInstantOrRefusesItAsInstantParseDoes() {
        for (String text : List.of("2023-08-30T06:15:00Z", "2023-08-30T06:15:00.123456789Z",
                                   "2023-08-30T06:15:00+02:00", "2023-08-30T06:15:00.5-00:30",
                                   "2023-08-30T23:59:60Z", "2023-08-30T06:15:60Z",
                                   "2023-08-30T06:15:00", "2023-08-30T06:15+00:00", "2023-02-29T00:00:00Z",
                                   "2023-08-30T06:15:00z", "+12023-08-30T06:15:00Z", "not an instant")) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException refused) {
                assertThatThrownBy(() -> IsoTimes.parseInstant(text)).as(text)
                        .isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(IsoTimes.parseInstant(text)).as(text).isEqualTo(expected);
        }
    }
}
