package io.leadline.leads.profile.repository;

import io.leadline.shared.database.NativeSql;
import io.leadline.leads.profile.ProviderProfile;
import io.leadline.shared.json.JsonCodec;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code provider_profiles} on Hibernate Reactive, in the caller's reactive session. Arrays travel as
 * JSON text both ways (built with {@code jsonb_array_elements_text}, read with {@code to_jsonb}), so no
 * statement depends on how a driver binds an SQL array.
 */
@ApplicationScoped
public class ProfileRepository implements PanacheRepositoryBase<StoredProfile, Long> {

    static final String COLUMNS = """
            account_id, CAST(to_jsonb(categories) AS text) AS categories,
            CAST(to_jsonb(property_types) AS text) AS property_types, CAST(service_areas AS text) AS service_areas,
            min_units, max_units""";
    private static final String TEXT_ARRAY = "ARRAY(SELECT jsonb_array_elements_text(CAST(CAST(? AS text) AS jsonb)))";

    public Uni<ProviderProfile> save(ProviderProfile profile) {
        return NativeSql.row(StoredProfile::read, """
                INSERT INTO provider_profiles (account_id, categories, property_types, service_areas, min_units, max_units)
                VALUES (?, %s, %s, CAST(CAST(? AS text) AS jsonb), CAST(? AS integer), CAST(? AS integer))
                ON CONFLICT (account_id) DO UPDATE SET categories = EXCLUDED.categories,
                    property_types = EXCLUDED.property_types, service_areas = EXCLUDED.service_areas,
                    min_units = EXCLUDED.min_units, max_units = EXCLUDED.max_units, updated_at = now()
                """.formatted(TEXT_ARRAY, TEXT_ARRAY) + " RETURNING " + COLUMNS,
                profile.accountId(), JsonCodec.encodeToString(profile.categories()),
                JsonCodec.encodeToString(profile.propertyTypes()), JsonCodec.encodeToString(profile.serviceAreas()),
                profile.minUnits(), profile.maxUnits())
                .map(Optional::orElseThrow);
    }

    public Uni<Optional<ProviderProfile>> findProfile(long accountId) {
        return NativeSql.row(StoredProfile::read, "SELECT " + COLUMNS + " FROM provider_profiles WHERE account_id = ?",
                accountId);
    }

    /** Profiles that take leads of this category in this state; finer matching is the scorer's job. */
    public Uni<List<ProviderProfile>> candidates(String category, String state) {
        return NativeSql.rows(StoredProfile::read, "SELECT " + COLUMNS + " FROM provider_profiles "
                        + "WHERE categories @> ARRAY[CAST(? AS text)] "
                        + "AND service_areas @> CAST(CAST(? AS text) AS jsonb) ORDER BY account_id",
                category, JsonCodec.encodeToString(List.of(Map.of("state", state))));
    }
}
