package io.incidenttracker.audit.verify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 8785 canonicalization, with the RFC's own examples where they touch our data. */
class JcsTest {

    @Test
    void canonicalizesTheRfcExampleOfStringsNumbersAndLiterals() {
        // RFC 8785 §3.2.2
        String input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}";
        String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertThat(Jcs.canonicalString(Json.parse(input))).isEqualTo(expected);
        // RFC 8785 §3.2.4: the UTF-8 bytes of that result
        assertThat(Hex.encode(Jcs.canonicalize(Json.parse(input)))).isEqualTo(
                "7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b3333333333"
                        + "333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e67"
                        + "223a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d");
    }

    @Test
    void sortsMemberNamesByUtf16CodeUnits() {
        // RFC 8785 §3.2.3
        String input = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", "
                + "\"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\", "
                + "\"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\", "
                + "\"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";
        String expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
        assertThat(Jcs.canonicalString(Json.parse(input))).isEqualTo(expected);
    }

    @Test
    void writesIntegersNestedObjectsAndEscapesAsOurEventsHaveThem() {
        String event = "{ \"wave\" : 2, \"incidentId\":\"5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10\", "
                + "\"techniques\": [\"T1486\"], \"nested\": {\"b\": -0, \"a\": [1, 2.0, -3e2]}, "
                + "\"description\": \"Zürich \\\"HQ\\\"\\tline\\u0001 \\ud83d\\ude00\", \"severity\": null, "
                + "\"big\": 9007199254740993}";
        assertThat(Jcs.canonicalString(Json.parse(event))).isEqualTo(
                "{\"big\":9007199254740992,\"description\":\"Zürich \\\"HQ\\\"\\tline\\u0001 \ud83d\ude00\","
                        + "\"incidentId\":\"5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10\",\"nested\":{\"a\":[1,2,-300],"
                        + "\"b\":0},\"severity\":null,\"techniques\":[\"T1486\"],\"wave\":2}");
    }

    @Test
    void formatsNumbersAsEcmaScriptDoes() {
        assertThat(Jcs.number(1e21)).isEqualTo("1e+21");
        assertThat(Jcs.number(1e20)).isEqualTo("100000000000000000000");
        assertThat(Jcs.number(0.000001)).isEqualTo("0.000001");
        assertThat(Jcs.number(1e-7)).isEqualTo("1e-7");
        assertThat(Jcs.number(-1.5)).isEqualTo("-1.5");
        assertThat(Jcs.number(123456789012345680000d)).isEqualTo("123456789012345680000");
        assertThat(Jcs.number(5e-324)).isEqualTo("5e-324");
        assertThat(Jcs.number(1.7976931348623157e308)).isEqualTo("1.7976931348623157e+308");
        assertThat(Jcs.number(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    }

    @Test
    void refusesWhatIJsonForbids() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Json.parse("\"\\ud800\"")).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Json.parse("[1,]")).isInstanceOf(Json.JsonException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).isInstanceOf(Json.JsonException.class);
        assertThatThrownBy(() -> Json.parse("01")).isInstanceOf(Json.JsonException.class);
    }

    @Test
    void hashesALedgerEntryFromItsCanonicalBytes() {
        LedgerEntry entry = new LedgerEntry(3, "e-1", "5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10", 1,
                "io.incidenttracker.incident.attack-detected.v1", "2023-08-30T06:15:00Z", "2023-08-30T06:16:00.123Z",
                "responder", null, Json.parse("{\"wave\":1,\"severity\":\"HIGH\"}"));
        String canonical = "{\"actor\":\"responder\",\"correlationId\":null,\"eventId\":\"e-1\","
                + "\"incidentId\":\"5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10\",\"index\":3,"
                + "\"occurredAt\":\"2023-08-30T06:15:00Z\",\"payload\":{\"severity\":\"HIGH\",\"wave\":1},"
                + "\"recordedAt\":\"2023-08-30T06:16:00.123Z\",\"sequence\":1,"
                + "\"type\":\"io.incidenttracker.incident.attack-detected.v1\"}";
        assertThat(new String(entry.leafBytes(), StandardCharsets.UTF_8)).isEqualTo(canonical);
        assertThat(entry.leafHash()).isEqualTo(Merkle.leafHash(canonical.getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> json = Json.parseObject(canonical);
        json.put("leafHash", Hex.encode(entry.leafHash()));
        assertThat(LedgerEntry.fromJson(json)).isEqualTo(entry);
    }

    /** Every string written as RFC 8785 section 3.2.2.2 spells it out, one character at a time. */
    @Test
    void writesEveryStringAsTheRfcSpellsItOutCharacterByCharacter() {
        char[] alphabet = {'a', 'Z', ' ', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f',
                '\u0080', '\u00fc', '\u20ac', '\u2028', '\ud83d', '\ude00', '\ud800', '\udc00', '\uffff'};
        Random random = new Random(8785);
        int written = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(12); length > 0; length--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String candidate = text.toString();
            String expected = spelledOut(candidate);
            StringBuilder out = new StringBuilder("x");
            if (expected == null) {
                assertThatThrownBy(() -> Jcs.writeString(candidate, out)).hasMessageContaining("lone surrogate");
            } else {
                Jcs.writeString(candidate, out);
                assertThat(out.toString()).as("%s", candidate.chars().mapToObj(Integer::toHexString).toList())
                        .isEqualTo("x" + expected);
                written++;
            }
        }
        assertThat(written).isGreaterThan(10_000);
    }

    /** The string's JSON form with only the mandatory escapes, or null if it holds a lone surrogate. */
    private static String spelledOut(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\b') {
                out.append("\\b");
            } else if (c == '\f') {
                out.append("\\f");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                return null;
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
