package io.incidenttracker.platform.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's strict firewall with its own rules for header names, header values and parameter names, checked
 * by a loop over the text's code points instead of the regular expressions it checks them with by default
 * ({@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, and the same with a tab allowed in values). The rules are the same:
 * every code point assigned in Unicode and not a control character ({@code Cc}), a tab allowed in values; the
 * firewall's other rules (methods, normalized paths, encoded slashes, hosts) are its defaults. Spring Security asks
 * the predicate at every header the request's code reads, several times per request: profiled under load, the
 * expressions were about a thirtieth of the query service's CPU per plain read.
 */
@Configuration(proxyBeanMethods = false)
public class HeaderFirewall {

    /** Picked up by Spring Security's web security builder as the firewall of the security chains. */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderFirewall::assignedAndNotControl);
        firewall.setAllowedHeaderValues(HeaderFirewall::assignedAndNotControlOrTab);
        firewall.setAllowedParameterNames(HeaderFirewall::assignedAndNotControl);
        return firewall;
    }

    /** Every code point assigned and not a control character: {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}. */
    static boolean assignedAndNotControl(String text) {
        return allowed(text, false);
    }

    /** The same, a tab also allowed: {@code [\p{IsAssigned}&&[[^\p{IsControl}]||\t]]*}. */
    static boolean assignedAndNotControlOrTab(String text) {
        return allowed(text, true);
    }

    private static boolean allowed(String text, boolean tab) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            // the common case first: printable ASCII is assigned and not a control character
            if (codePoint < 0x20 || codePoint >= 0x7F) {
                int type = Character.getType(codePoint);
                if (type == Character.UNASSIGNED || (type == Character.CONTROL && !(tab && codePoint == '\t'))) {
                    return false;
                }
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
