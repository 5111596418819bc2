package io.leadline.leads.lead;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a lead's property is, or what a provider serves: a fine type, or one of the broad classes
 * {@code residential} and {@code commercial} that apps often know and nothing finer. A class matches
 * each of its members in both directions; {@code mixed_use} is a member of both classes.
 * {@code commercial} was a fine type before the classes existed: as a class it still covers offices and
 * shops, which have no finer name, and now also {@code industrial} and {@code mixed_use}.
 */
public enum PropertyType {
    SINGLE_FAMILY,
    MULTI_FAMILY,
    CONDO,
    TOWNHOUSE,
    APARTMENT,
    INDUSTRIAL,
    MIXED_USE,
    RESIDENTIAL(SINGLE_FAMILY, MULTI_FAMILY, CONDO, TOWNHOUSE, APARTMENT, MIXED_USE),
    COMMERCIAL(INDUSTRIAL, MIXED_USE);

    // constants of an annotation must be literals: PropertyTypeTest checks them against the enum
    public static final String PATTERN =
            "residential|commercial|single_family|multi_family|condo|townhouse|apartment|industrial|mixed_use";
    public static final String MESSAGE = "must be one of residential, commercial (the broad classes), "
            + "single_family, multi_family, condo, townhouse, apartment, industrial, mixed_use";

    private final Set<PropertyType> members;

    PropertyType(PropertyType... members) {
        // not an EnumSet: it would ask for values() while they are still being built
        this.members = Set.of(members);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isClass() {
        return !members.isEmpty();
    }

    /** The fine types this class covers; empty for a fine type. */
    public Set<PropertyType> members() {
        return members;
    }

    /** The same type, a class and one of its members, or a member and its class. */
    public boolean matches(PropertyType other) {
        return this == other || members.contains(other) || other.members.contains(this);
    }

    public static Optional<PropertyType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName().equals(name)).findFirst();
    }
}
