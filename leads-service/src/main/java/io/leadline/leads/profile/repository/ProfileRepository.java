package io.leadline.leads.profile.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import io.leadline.leads.jdbc.Jdbc;
import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.ServiceArea;
import io.leadline.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@ApplicationScoped
public class ProfileRepository {

    private static final String COLUMNS = "account_id, categories, property_types, service_areas, min_units, max_units";
    private static final TypeReference<List<ServiceArea>> AREAS = new TypeReference<>() {
    };

    @Inject
    Jdbc jdbc;

    public ProviderProfile save(ProviderProfile profile) {
        return jdbc.one("""
                INSERT INTO provider_profiles (account_id, categories, property_types, service_areas, min_units, max_units)
                VALUES (?, ?, ?, ?::jsonb, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET categories = EXCLUDED.categories,
                    property_types = EXCLUDED.property_types, service_areas = EXCLUDED.service_areas,
                    min_units = EXCLUDED.min_units, max_units = EXCLUDED.max_units, updated_at = now()
                """ + " RETURNING " + COLUMNS,
                ProfileRepository::map, profile.accountId(), profile.categories().toArray(String[]::new),
                profile.propertyTypes().toArray(String[]::new), JsonCodec.encodeToString(profile.serviceAreas()),
                profile.minUnits(), profile.maxUnits()).orElseThrow();
    }

    public Optional<ProviderProfile> find(long accountId) {
        return jdbc.one("SELECT " + COLUMNS + " FROM provider_profiles WHERE account_id = ?", ProfileRepository::map,
                accountId);
    }

    /** Profiles that take leads of this category in this state; finer matching is the scorer's job. */
    public List<ProviderProfile> candidates(String category, String state) {
        return jdbc.list("SELECT " + COLUMNS + " FROM provider_profiles WHERE categories @> ARRAY[?]::text[] "
                + "AND service_areas @> ?::jsonb ORDER BY account_id", ProfileRepository::map,
                category, JsonCodec.encodeToString(List.of(Map.of("state", state))));
    }

    private static ProviderProfile map(ResultSet row) throws SQLException {
        try {
            return new ProviderProfile(row.getLong("account_id"), strings(row, "categories"),
                    JsonCodec.mapper().readValue(row.getString("service_areas"), AREAS),
                    strings(row, "property_types"), (Integer) row.getObject("min_units"),
                    (Integer) row.getObject("max_units"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(ResultSet row, String column) throws SQLException {
        return Arrays.asList((String[]) row.getArray(column).getArray());
    }
}
