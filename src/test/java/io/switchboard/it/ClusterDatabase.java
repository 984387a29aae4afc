package io.switchboard.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The run's database on the PostgreSQL server the build names ({@code it.postgresql.*} system properties; the
 * nodes reach it through {@code SWITCHBOARD_DB_URL}).
 */
final class ClusterDatabase {
    static final String URL = System.getProperty("it.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/");
    static final String ADMIN_DATABASE = System.getProperty("it.postgresql.admin-database", "test");
    static final String NAME = System.getProperty("it.postgresql.database", "sb_it_ide");
    static final String USER = System.getProperty("it.postgresql.user", "postgres");
    static final String PASSWORD = System.getProperty("it.postgresql.password", "postgres");
    /** Databases of earlier runs older than this were left by runs that were killed: dropped. */
    private static final java.time.Duration LEFT_OVER = java.time.Duration.ofHours(6);

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    static Connection admin() throws SQLException {
        DriverManager.setLoginTimeout(5);
        return DriverManager.getConnection(URL + ADMIN_DATABASE + "?connectTimeout=5", USER, PASSWORD);
    }

    static void recreate() throws SQLException {
        try (Connection db = admin();
                Statement sql = db.createStatement()) {
            dropLeftOvers(sql);
            sql.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
            sql.execute("CREATE DATABASE " + NAME);
        }
    }

    static void drop() throws SQLException {
        try (Connection db = admin();
                Statement sql = db.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
        }
    }

    private static void dropLeftOvers(Statement sql) throws SQLException {
        List<String> old = new ArrayList<>();
        try (ResultSet names = sql.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'sb\\_it\\_%'")) {
            while (names.next()) {
                String name = names.getString(1);
                try {
                    LocalDateTime started = LocalDateTime.parse(name.substring(6, 21), RUN_ID);
                    if (started.isBefore(LocalDateTime.now(ZoneOffset.UTC).minus(LEFT_OVER))) {
                        old.add(name);
                    }
                } catch (RuntimeException notOurs) {
                    // not named by a build: leave it alone
                }
            }
        }
        for (String name : old) {
            sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /**
     * Disables the class before any node boots when PostgreSQL cannot be reached, with a visible {@code SKIPPED:}
     * line; in CI (env {@code CI}) the class runs, and creating its database fails it.
     */
    static final class Required implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (System.getenv("CI") != null || context.getTestMethod().isPresent()) {
                return ConditionEvaluationResult.enabled("CI must fail without PostgreSQL");
            }
            try (Connection reachable = admin()) {
                return ConditionEvaluationResult.enabled("PostgreSQL is reachable");
            } catch (SQLException e) {
                String why = "ClusterIT needs PostgreSQL at " + URL + ADMIN_DATABASE + " (" + e.getMessage() + ")";
                System.err.println("SKIPPED: " + why); // the Maven log shows it; a JUnit skip alone is easy to miss
                return ConditionEvaluationResult.disabled("SKIPPED: " + why);
            }
        }
    }
}
