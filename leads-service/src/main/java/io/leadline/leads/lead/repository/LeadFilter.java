package io.leadline.leads.lead.repository;

import io.leadline.leads.lead.LeadStatus;

import java.util.Set;

/** What a listing may narrow by; null means any. {@code visible} is the set of statuses the caller may see. */
public record LeadFilter(String category, String city, String state, LeadStatus status, Set<LeadStatus> visible) {
}
