package io.leadline.leads.profile.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.ServiceArea;
import io.leadline.shared.database.NativeSql;
import io.leadline.shared.json.JsonCodec;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A row of {@code provider_profiles}. Rows are written by native statements ({@code ON CONFLICT}) and
 * read by native queries that select the {@code text[]} and JSONB columns as JSON text
 * ({@link ProfileRepository#COLUMNS}), which is what these fields hold.
 */
@Entity
@Table(name = "provider_profiles")
public class StoredProfile {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<ServiceArea>> AREAS = new TypeReference<>() {
    };

    @Id
    @Column(name = "account_id")
    public Long accountId;

    /** JSON array of text. */
    public String categories;

    /** JSON array of text. */
    @Column(name = "property_types")
    public String propertyTypes;

    /** JSON array of {@link ServiceArea}. */
    @Column(name = "service_areas")
    public String serviceAreas;

    @Column(name = "min_units")
    public Integer minUnits;

    @Column(name = "max_units")
    public Integer maxUnits;

    /** A profile from a row of {@link ProfileRepository#COLUMNS}, in that order. */
    static ProviderProfile read(NativeSql.Row row) {
        try {
            long accountId = row.longValue();
            List<String> categories = JsonCodec.mapper().readValue(row.string(), STRINGS);
            List<String> propertyTypes = JsonCodec.mapper().readValue(row.string(), STRINGS);
            List<ServiceArea> serviceAreas = JsonCodec.mapper().readValue(row.string(), AREAS);
            return new ProviderProfile(accountId, categories, serviceAreas, propertyTypes, row.nullableInt(),
                    row.nullableInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
