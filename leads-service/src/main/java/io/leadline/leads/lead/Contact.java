package io.leadline.leads.lead;

/** The person behind a lead: shown only to admins and claimants, never put on the bus. */
public record Contact(String name, String email, String phone) {
}
