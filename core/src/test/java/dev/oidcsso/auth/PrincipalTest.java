package dev.oidcsso.auth;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrincipalTest {

    private static final String SESSION_ID = "s3ss10n-1d-that-must-not-be-logged";

    @Test
    void toStringNamesTheUserButNotTheSessionId() {
        Principal principal = new Principal("alice", List.of("mlflow"), false, AuthMethod.SESSION, Optional.of(SESSION_ID));

        String text = principal.toString();

        assertFalse(text.contains(SESSION_ID), text);
        assertTrue(text.contains("alice") && text.contains("mlflow") && text.contains("session=present"), text);
        assertEquals(Optional.of(SESSION_ID), principal.sessionId(), "the id itself stays available to the framework");
    }

    @Test
    void toStringSaysWhenThereIsNoSession() {
        Principal principal = new Principal("bot", List.of(), true, AuthMethod.BEARER, Optional.empty());

        assertTrue(principal.toString().contains("session=none"), principal.toString());
    }
}
