package io.leadline.payments.persistence;

import io.quarkus.panache.common.Parameters;

import java.util.ArrayList;
import java.util.List;

/** The optional filters of a Panache query: each one given a value adds its condition and its parameter. */
public final class QueryFilter {

    private final List<String> conditions = new ArrayList<>();
    private final Parameters parameters = new Parameters();

    /** Adds {@code condition} (naming {@code :name}) when {@code value} is not null. */
    public QueryFilter and(String condition, String name, Object value) {
        if (value != null) {
            conditions.add(condition);
            parameters.and(name, value);
        }
        return this;
    }

    /** The conditions joined with {@code and}; every row when there is none. */
    public String query() {
        return conditions.isEmpty() ? "1 = 1" : String.join(" and ", conditions);
    }

    public Parameters parameters() {
        return parameters;
    }
}
