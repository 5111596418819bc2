package io.leadline.shared.database;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Lets a service's database URL ({@code NOTIFY_DB_URL}, …) stay what deployments already give, a JDBC URL, and still name the database
 * of the reactive client: {@code quarkus.datasource.reactive.url} is read without its {@code jdbc:}
 * prefix ({@code jdbc:postgresql://host:5432/db} becomes {@code postgresql://host:5432/db}, which the
 * reactive client parses, query parameters included). Above the expression interceptor, so it sees the
 * expanded value.
 */
@Priority(Priorities.APPLICATION)
public class ReactiveUrlFromJdbcUrl implements ConfigSourceInterceptor {

    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    private static final String JDBC_PREFIX = "jdbc:";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null && REACTIVE_URL.equals(name) && value.getValue() != null
                && value.getValue().startsWith(JDBC_PREFIX)) {
            return value.withValue(value.getValue().substring(JDBC_PREFIX.length()));
        }
        return value;
    }
}
