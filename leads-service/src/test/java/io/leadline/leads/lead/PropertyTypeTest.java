package io.leadline.leads.lead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PropertyTypeTest {

    @Test
    void theFormsPatternAndMessageNameExactlyTheKnownTypes() {
        List<String> wireNames = Arrays.stream(PropertyType.values()).map(PropertyType::wireName).toList();
        assertThat(PropertyType.PATTERN.split("\\|")).containsExactlyInAnyOrderElementsOf(wireNames);
        assertThat(PropertyType.MESSAGE).contains(wireNames);
        for (String name : wireNames) {
            assertThat(name).matches(PropertyType.PATTERN);
            assertThat(PropertyType.fromWireName(name)).isPresent();
        }
        assertThat(PropertyType.fromWireName("castle")).isEmpty();
        assertThat(PropertyType.fromWireName("Residential")).isEmpty();
    }

    @Test
    void theClassesAreResidentialAndCommercial() {
        assertThat(Arrays.stream(PropertyType.values()).filter(PropertyType::isClass))
                .containsExactlyInAnyOrder(PropertyType.RESIDENTIAL, PropertyType.COMMERCIAL);
        assertThat(PropertyType.RESIDENTIAL.members()).containsExactlyInAnyOrder(PropertyType.SINGLE_FAMILY,
                PropertyType.MULTI_FAMILY, PropertyType.CONDO, PropertyType.TOWNHOUSE, PropertyType.APARTMENT,
                PropertyType.MIXED_USE);
        assertThat(PropertyType.COMMERCIAL.members())
                .containsExactlyInAnyOrder(PropertyType.INDUSTRIAL, PropertyType.MIXED_USE);
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            "single_family, single_family, true",
            "residential, residential, true",
            "residential, single_family, true",
            "single_family, residential, true",
            "residential, apartment, true",
            "mixed_use, residential, true",
            "mixed_use, commercial, true",
            "commercial, industrial, true",
            "industrial, commercial, true",
            "residential, commercial, false",
            "residential, industrial, false",
            "commercial, condo, false",
            "single_family, condo, false",
            "industrial, mixed_use, false"})
    void aClassMatchesItsMembersBothWays(String a, String b, boolean matches) {
        PropertyType first = PropertyType.fromWireName(a).orElseThrow();
        PropertyType second = PropertyType.fromWireName(b).orElseThrow();
        assertThat(first.matches(second)).isEqualTo(matches);
        assertThat(second.matches(first)).isEqualTo(matches);
    }
}
