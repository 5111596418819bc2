package io.leadline.leads.profile;

/** A place a provider works: a whole city of a state, or one ZIP code when {@code zip} is set. */
public record ServiceArea(String city, String state, String zip) {
}
