package io.incidenttracker.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderFirewallTest {

    /** Spring Security's own rules, as regular expressions (StrictHttpFirewall's defaults). */
    private static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    private final HttpFirewall firewall = new HeaderFirewall().httpFirewall();

    @Test
    void everyCodePointIsJudgedAsSpringSecuritysExpressionsJudgeIt() {
        List<String> different = new ArrayList<>();
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String text = "a" + Character.toString(codePoint) + "b";
            if (HeaderFirewall.assignedAndNotControl(text) != NAMES.matcher(text).matches()
                    || HeaderFirewall.assignedAndNotControlOrTab(text) != VALUES.matcher(text).matches()) {
                different.add(Integer.toHexString(codePoint));
            }
        }
        assertThat(different).isEmpty();
    }

    /** Lone and paired surrogates, tabs, controls and unassigned code points mixed, as the expressions see them. */
    @Test
    void mixedTextsAreJudgedAsSpringSecuritysExpressionsJudgeThem() {
        char[] alphabet = {'a', ' ', '\t', '\n', '\u0000', '\u007f', '\u0085', '\u00e9', '\ud83d', '\ude00', '\u0378',
                '\uffff', '\u2028', '\ud800', '\udc00'};
        Random random = new Random(16);
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(6); length > 0; length--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String candidate = text.toString();
            assertThat(HeaderFirewall.assignedAndNotControl(candidate))
                    .as("name %s", candidate.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(NAMES.matcher(candidate).matches());
            assertThat(HeaderFirewall.assignedAndNotControlOrTab(candidate))
                    .as("value %s", candidate.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(VALUES.matcher(candidate).matches());
        }
    }

    @Test
    void aHeaderValueWithAControlCharacterIsRejectedWhenRead() {
        assertRejectedWhenRead("X-Note", "a\u0085b");
    }

    @Test
    void aTabInAValueAndTextBeyondAsciiAreAllowed() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/incidents");
        request.addHeader("X-Note", "caf\u00e9\tna\u00efve \ud83d\ude00");
        assertThat(firewall.getFirewalledRequest(request).getHeader("X-Note")).isEqualTo("caf\u00e9\tna\u00efve \ud83d\ude00");
    }

    @Test
    void aHeaderNameWithATabIsRejected() {
        assertRejectedWhenRead("X\tNote", "a");
    }

    @Test
    void theFirewallsOtherRulesAreItsDefaults() {
        StrictHttpFirewall defaults = new StrictHttpFirewall();
        StrictHttpFirewall ours = (StrictHttpFirewall) firewall;
        assertThat(ours.getEncodedUrlBlocklist()).isEqualTo(defaults.getEncodedUrlBlocklist());
        assertThat(ours.getDecodedUrlBlocklist()).isEqualTo(defaults.getDecodedUrlBlocklist());
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/incidents/%2e%2e/x");
        request.setRequestURI("/api/incidents/%2e%2e/x");
        assertThatThrownBy(() -> firewall.getFirewalledRequest(request)).isInstanceOf(RequestRejectedException.class);
        MockHttpServletRequest method = new MockHttpServletRequest("TRACE", "/api/incidents");
        assertThatThrownBy(() -> firewall.getFirewalledRequest(method)).isInstanceOf(RequestRejectedException.class);
    }

    /** A request with the header passes the firewall, and reading the header is refused. */
    private void assertRejectedWhenRead(String name, String value) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/incidents");
        request.addHeader(name, value);
        var firewalled = firewall.getFirewalledRequest(request);
        assertThatThrownBy(() -> firewalled.getHeader(name)).isInstanceOf(RequestRejectedException.class);
    }
}
