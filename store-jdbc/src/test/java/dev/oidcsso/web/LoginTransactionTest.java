package dev.oidcsso.web;

import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.jdbc.TestDatabase;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A login's writes are one transaction, on H2 and on PostgreSQL: when the database fails in its
 * middle (the session cannot be stored after the user's record was written), the callback answers
 * 503 and leaves neither a session nor the user's record, and the next login, on either replica,
 * signs in at once.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
@ExtendWith(TestDatabase.Servers.class)
class LoginTransactionTest {

    @Parameter
    TestDatabase database;
    String url;
    Replicas replicas;

    @BeforeEach
    void start(TestDatabase.Servers servers) throws Exception {
        url = servers.newDatabaseUrl(database);
        replicas = Replicas.start(url, Map.of());
        replicas.op.user(TestUser.alice());
    }

    @AfterEach
    void stop() {
        replicas.close();
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.createStatement().execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    @Test
    void aDatabaseFailureInTheMiddleOfTheLoginLeavesNeitherSessionNorUserAndTheNextLoginSignsIn() throws Exception {
        Browser browser = new Browser().defaultHeader("Accept", "text/html");
        // The session table is away: the user's record is written, then the session's insert fails in the same transaction.
        execute("ALTER TABLE oidc_sessions RENAME TO oidc_sessions_away");
        HttpResponse<String> failed;
        try {
            failed = browser.navigate(replicas.a.url("/")).last();
        } finally {
            execute("ALTER TABLE oidc_sessions_away RENAME TO oidc_sessions");
        }
        assertEquals(503, failed.statusCode(), failed.body());
        assertTrue(browser.cookies().get(SessionManager.COOKIE).isEmpty(), "no session cookie");
        assertEquals(0, count("SELECT COUNT(*) FROM oidc_sessions"));
        assertEquals(0, count("SELECT COUNT(*) FROM oidc_users"), "the user's record went with the session");
        assertEquals(0, count("SELECT COUNT(*) FROM oidc_user_groups"));
        assertEquals(0, count("SELECT COUNT(*) FROM oidc_change_log"), "no change announced for what was rolled back");

        // The failed login's response stays used (its code is spent at the IdP); a new login is not blocked by it.
        assertEquals(200, browser.navigate(replicas.b.url("/")).statusCode());
        assertTrue(Replicas.authenticated(browser, replicas.a), "signed in, on both replicas");
        assertEquals(1, count("SELECT COUNT(*) FROM oidc_sessions"));
        assertEquals(1, count("SELECT COUNT(*) FROM oidc_users WHERE username = 'alice'"));
    }
}
