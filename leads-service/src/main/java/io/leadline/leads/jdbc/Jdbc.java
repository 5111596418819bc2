package io.leadline.leads.jdbc;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain JDBC on the pooled data source. Inside a JTA transaction every call gets the transaction's
 * connection, so repository writes and {@code Outbox#append} commit or roll back together.
 */
@ApplicationScoped
public class Jdbc {

    @Inject
    AgroalDataSource dataSource;

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = list(sql, mapper, params);
        if (rows.size() > 1) {
            throw new IllegalStateException("more than one row for: " + sql);
        }
        return rows.stream().findFirst();
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, params);
                ResultSet rs = statement.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public int update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    /** Runs an INSERT and returns the generated {@code id}. */
    public long insert(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, params, new String[] {"id"})) {
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new DataAccessException(sql, e);
        }
    }

    public static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp timestamp = row.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object[] params) throws SQLException {
        return bind(connection.prepareStatement(sql), params);
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object[] params, String[] keys)
            throws SQLException {
        return bind(connection.prepareStatement(sql, keys), params);
    }

    private static PreparedStatement bind(PreparedStatement statement, Object[] params) throws SQLException {
        try {
            for (int i = 0; i < params.length; i++) {
                Object value = params[i] instanceof Instant instant ? Timestamp.from(instant) : params[i];
                statement.setObject(i + 1, value);
            }
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    /** Unchecked, so a failed statement rolls the surrounding transaction back. */
    public static class DataAccessException extends RuntimeException {

        private final String sqlState;

        DataAccessException(String sql, SQLException cause) {
            super("statement failed: " + sql.strip().lines().findFirst().orElse(sql), cause);
            this.sqlState = cause.getSQLState();
        }

        public boolean isUniqueViolation() {
            return "23505".equals(sqlState);
        }
    }
}
