package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.OidcSsoException;
import dev.oidcsso.http.MethodNotAllowedException;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.identity.GroupsUnavailableException;
import dev.oidcsso.login.IdpRefusedLoginException;
import dev.oidcsso.login.IssuerMismatchException;
import dev.oidcsso.login.LoginExpiredException;
import dev.oidcsso.login.MalformedCallbackException;
import dev.oidcsso.login.ResponseReplayedException;
import dev.oidcsso.login.StateMismatchException;
import dev.oidcsso.oidc.ProviderResponseException;
import dev.oidcsso.oidc.ProviderUnavailableException;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.store.StoreUnavailableException;
import dev.oidcsso.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one mapping from typed failures to responses: the status each cause gets, its JSON error code,
 * its page for browsers, and the headers that go with some statuses.
 */
class ErrorResponsesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static final WebRequest SCRIPT = TestRequest.get("/callback").at("http://127.0.0.1:8080/app");
    static final WebRequest BROWSER = TestRequest.get("/callback").at("http://127.0.0.1:8080/app").withHeader("Accept", "text/html")
            .withHeader("Sec-Fetch-Mode", "navigate");

    @Test
    void eachCauseHasItsStatusAndCode() throws Exception {
        Map<OidcSsoException, Object[]> expected = new LinkedHashMap<>();
        expected.put(new LoginExpiredException("m"), new Object[]{400, "invalid_request"});
        expected.put(new StateMismatchException("m"), new Object[]{400, "invalid_request"});
        expected.put(new ResponseReplayedException("m"), new Object[]{400, "invalid_request"});
        expected.put(new IssuerMismatchException("m"), new Object[]{400, "invalid_request"});
        expected.put(new MalformedCallbackException("m"), new Object[]{400, "invalid_request"});
        expected.put(new IdpRefusedLoginException("m"), new Object[]{403, "forbidden"});
        expected.put(new TokenValidationException("m"), new Object[]{401, "unauthenticated"});
        expected.put(new AccessRefusedException("m"), new Object[]{403, "forbidden"});
        expected.put(new ProviderResponseException(502, "m"), new Object[]{502, "unavailable"});
        expected.put(new GroupsUnavailableException("m"), new Object[]{502, "unavailable"});
        expected.put(new ProviderUnavailableException("m"), new Object[]{503, "unavailable"});
        expected.put(new StoreUnavailableException("m", null), new Object[]{503, "unavailable"});
        expected.put(new MethodNotAllowedException("GET, PATCH"), new Object[]{405, "method_not_allowed"});
        expected.put(new CrossSiteRequestException("m"), new Object[]{403, "forbidden"});
        expected.put(new OidcSsoException(200, "not an error status"), new Object[]{500, "server_error"});
        for (Map.Entry<OidcSsoException, Object[]> entry : expected.entrySet()) {
            String what = entry.getKey().getClass().getSimpleName();
            for (WebResponse response : List.of(ErrorResponses.forRequest(SCRIPT, entry.getKey()),
                    ErrorResponses.forApi(BROWSER, entry.getKey()))) {
                assertEquals(entry.getValue()[0], response.status(), what);
                JsonNode body = JSON.readTree(response.bodyText());
                assertEquals(entry.getValue()[1], body.get("error").asText(), what);
                assertEquals(entry.getKey().publicMessage(), body.get("message").asText(), what);
            }
        }
    }

    @Test
    void browsersGetAPageThatSaysWhatToDo() {
        WebResponse page = ErrorResponses.forRequest(BROWSER, new StateMismatchException("Please sign in <again>."));
        assertEquals(400, page.status());
        assertTrue(page.headers().get("Content-Type").get(0).startsWith("text/html"), page.headers().toString());
        assertTrue(page.bodyText().contains("Please sign in &lt;again&gt;."), page.bodyText());
        assertTrue(page.bodyText().contains("/app/login"), "a link to sign in again: " + page.bodyText());
    }

    @Test
    void headersThatGoWithTheStatus() {
        WebResponse unavailable = ErrorResponses.forRequest(SCRIPT, new ProviderUnavailableException("m"));
        assertEquals(List.of("5"), unavailable.headers().get("Retry-After"));
        WebResponse notAllowed = ErrorResponses.forApi(SCRIPT, new MethodNotAllowedException("GET, PATCH"));
        assertEquals(List.of("GET, PATCH"), notAllowed.headers().get("Allow"));
        WebResponse script = ErrorResponses.forRequest(SCRIPT, new TokenValidationException("m"));
        assertEquals(List.of("Bearer", "Basic realm=\"oidc-sso\", charset=\"UTF-8\""), script.headers().get("WWW-Authenticate"));
        WebResponse browser = ErrorResponses.forApi(BROWSER, new TokenValidationException("m"));
        assertEquals(List.of("Bearer"), browser.headers().get("WWW-Authenticate"), "no Basic prompt for browsers");
        assertFalse(ErrorResponses.forRequest(SCRIPT, new AccessRefusedException("m")).headers().containsKey("WWW-Authenticate"));
    }
}
