package io.leadline.leads.lead.rest;

import java.util.List;

public record LeadPage(List<LeadView> items, int page, int size, long total) {
}
