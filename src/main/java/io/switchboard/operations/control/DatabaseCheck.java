package io.switchboard.operations.control;

import io.switchboard.config.SwitchboardConfig;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Readiness: the default datasource (the one chat history and inboxes live in) answers {@code SELECT 1}. */
@ApplicationScoped
public class DatabaseCheck implements ReadinessCheck {

    private static final Logger LOG = Logger.getLogger(DatabaseCheck.class.getName());

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource database;

    @Inject
    SwitchboardConfig config;

    @Override
    public String name() {
        return "database";
    }

    @Override
    public HealthStatus check() {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(
                    (int) Math.max(1, config.readinessTimeout().toSeconds()));
            try (ResultSet result = statement.executeQuery("SELECT 1")) {
                return result.next() ? HealthStatus.ok() : HealthStatus.down("no answer");
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Readiness: the database check failed: {0}", e.toString());
            return HealthStatus.down("unavailable"); // the cause goes to the log, not to anonymous callers
        }
    }
}
