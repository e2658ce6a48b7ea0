package dev.oidcsso.demo;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store contract on the JDBC store, over an in-memory H2 database in PostgreSQL mode. */
class JdbcExperimentStoreTest extends DemoExperimentStoreTest {

    JdbcDataSource dataSource;

    @Override
    ExperimentStore newStore(Clock clock) {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        return new JdbcExperimentStore(dataSource, "demo_experiment", "experiment", clock);
    }

    @Test
    void aSecondStoreOnTheSameTableSeesTheSameItems() {
        store.create("shared", "one", "alice");
        JdbcExperimentStore other = new JdbcExperimentStore(dataSource, "demo_experiment", "experiment", CLOCK);
        assertEquals("one", other.findByName("shared").orElseThrow().description());
        assertTrue(other.find("not-a-number").isEmpty());
    }
}
