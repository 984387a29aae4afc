package io.switchboard.config;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Which database the default datasource is: H2 (each server's embedded default) or PostgreSQL (shared by several
 * nodes, server-config/). Asked once, on first use.
 */
@ApplicationScoped
public class Database {

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    private volatile Boolean postgreSql;

    /**
     * PostgreSQL: a row that several nodes may create at the same moment is inserted with
     * {@code ON CONFLICT DO NOTHING}, so the loser of the race neither fails nor waits for a failed commit.
     */
    public boolean isPostgreSql() {
        Boolean known = postgreSql;
        if (known == null) {
            try (Connection connection = dataSource.getConnection()) {
                known = connection
                        .getMetaData()
                        .getDatabaseProductName()
                        .toLowerCase()
                        .contains("postgresql");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach the default datasource", e);
            }
            postgreSql = known;
        }
        return known;
    }
}
