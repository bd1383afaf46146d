package io.incidenttracker.platform.web;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationIdTest {

    @Test
    void keepsAWellFormedIdOfTheCaller() {
        assertThat(CorrelationId.of("req-42:retry_1.a")).isEqualTo("req-42:retry_1.a");
        assertThat(CorrelationId.of("x".repeat(64))).isEqualTo("x".repeat(64));
    }

    @Test
    void replacesAMissingOrMalformedIdWithANewRandomUuid() {
        for (String malformed : new String[] {null, "", "x".repeat(65), "a b", "a/b", "caf\u00e9", "a\nb"}) {
            UUID id = UUID.fromString(CorrelationId.of(malformed));
            assertThat(id.version()).as(malformed).isEqualTo(4);
            assertThat(id.variant()).as(malformed).isEqualTo(2);
        }
    }

    @Test
    void judgesIdsExactlyAsTheFormerExpressionJudgedThem() {
        Pattern former = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");
        char[] alphabet = "aZ09._:-/ \t\n\u00e9\u0000@".toCharArray();
        Random random = new Random(64);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder id = new StringBuilder();
            for (int length = random.nextInt(70); length > 0; length--) {
                id.append(alphabet[random.nextInt(random.nextBoolean() ? 8 : alphabet.length)]);
            }
            String candidate = id.toString();
            assertThat(CorrelationId.wellFormed(candidate)).as(candidate).isEqualTo(former.matcher(candidate).matches());
        }
    }

    @Test
    void newIdsAreDistinctVersionFourUuids() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = CorrelationId.newId();
            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(seen.add(id)).isTrue();
        }
    }
}
