package io.incidenttracker.query.console;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * {@code GET /api/session}: who the caller is, for the console's header. A browser session also gets what signing
 * out needs ({@code POST /logout} with this CSRF token in this header); a tool calling with its own credentials has no
 * session and gets {@code signOut: null}. What a role may read is not listed here: the console asks the API itself
 * and hides what answers 403.
 */
@RestController
class SessionController {

    record SignOut(String method, String path, String csrfHeader, String csrfToken) {
    }

    record Session(String name, List<String> roles,
                   @Schema(description = "What signing out needs; null without a browser session (a tool's own "
                           + "credentials)", nullable = true) SignOut signOut) {
    }

    @GetMapping("/api/session")
    @Operation(operationId = "getSession", summary = "Who the caller is, and for a browser session how to sign out")
    Session session(Authentication authentication, HttpServletRequest request) {
        List<String> roles = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(authority -> authority.startsWith("ROLE_")).map(authority -> authority.substring(5))
                .sorted().toList();
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        SignOut signOut = csrf == null ? null : new SignOut("POST", "/logout", csrf.getHeaderName(), csrf.getToken());
        return new Session(authentication.getName(), roles, signOut);
    }
}
