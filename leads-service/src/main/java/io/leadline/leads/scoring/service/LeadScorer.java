package io.leadline.leads.scoring.service;

import io.leadline.leads.lead.Lead;
import io.leadline.leads.lead.PropertyType;
import io.leadline.leads.profile.ProviderProfile;
import io.leadline.leads.profile.ServiceArea;
import io.leadline.leads.scoring.ScoringWeights;
import io.leadline.leads.scoring.Tier;
import io.leadline.shared.event.leads.LeadScore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scores a lead for one provider, 0 to 100, from weighted factors each worth between 0 and 1.
 * Deterministic (the clock is a parameter) and explainable: every factor adds one reason with the
 * points it earned, so a provider can see why a lead ranks where it does.
 */
public final class LeadScorer {

    private final ScoringWeights weights;

    public LeadScorer(ScoringWeights weights) {
        this.weights = weights;
    }

    public LeadScore score(Lead lead, ProviderProfile profile, Instant now) {
        List<Factor> factors = List.of(
                serviceArea(lead, profile),
                propertyType(lead, profile),
                unitFit(lead, profile),
                urgency(lead),
                freshness(lead, now));
        double earned = 0;
        List<String> reasons = new ArrayList<>(factors.size());
        for (Factor factor : factors) {
            double points = 100.0 * factor.weight() * factor.fraction() / weights.total();
            earned += points;
            reasons.add(factor.reason() + " (+" + Math.round(points) + ")");
        }
        int score = (int) Math.max(0, Math.min(100, Math.round(earned)));
        Tier tier = Tier.of(score);
        return new LeadScore(score, tier.wireName(), tier.badge(), List.copyOf(reasons));
    }

    private record Factor(int weight, double fraction, String reason) {
    }

    private Factor serviceArea(Lead lead, ProviderProfile profile) {
        String zip5 = lead.zip().substring(0, 5);
        double best = 0;
        String reason = "service area: " + lead.state() + " is outside your areas";
        for (ServiceArea area : profile.serviceAreas()) {
            if (!area.state().equalsIgnoreCase(lead.state())) {
                continue;
            }
            double fraction;
            String why;
            boolean sameCity = area.city().equalsIgnoreCase(lead.city());
            if (area.zip() != null && area.zip().startsWith(zip5)) {
                fraction = 1.0;
                why = "service area: ZIP " + zip5 + " is one you serve";
            } else if (sameCity && area.zip() == null) {
                fraction = 0.8;
                why = "service area: you serve all of " + lead.city();
            } else if (sameCity) {
                fraction = 0.5;
                why = "service area: " + lead.city() + " is your city, outside your ZIP codes";
            } else {
                fraction = 0.3;
                why = "service area: " + lead.state() + " is your state, outside your cities";
            }
            if (fraction > best) {
                best = fraction;
                reason = why;
            }
        }
        return new Factor(weights.serviceArea(), best, reason);
    }

    private Factor propertyType(Lead lead, ProviderProfile profile) {
        if (profile.propertyTypes().isEmpty()) {
            return new Factor(weights.propertyType(), 0.6, "property type: you accept any type");
        }
        String leadType = lead.propertyType();
        if (profile.propertyTypes().contains(leadType)) {
            return new Factor(weights.propertyType(), 1.0, "property type: " + leadType + " is one you serve");
        }
        Optional<PropertyType> ofLead = PropertyType.fromWireName(leadType);
        for (String served : profile.propertyTypes()) {
            boolean matches = ofLead.isPresent()
                    && PropertyType.fromWireName(served).filter(ofLead.get()::matches).isPresent();
            if (matches) {
                String why = ofLead.get().isClass() ? " includes " : " is ";
                return new Factor(weights.propertyType(), 1.0,
                        "property type: " + leadType + why + served + ", which you serve");
            }
        }
        return new Factor(weights.propertyType(), 0.0, "property type: " + leadType + " is not one you serve");
    }

    private Factor unitFit(Lead lead, ProviderProfile profile) {
        Integer min = profile.minUnits();
        Integer max = profile.maxUnits();
        if (min == null && max == null) {
            return new Factor(weights.unitFit(), 0.7, "units: you set no unit range");
        }
        boolean fits = (min == null || lead.units() >= min) && (max == null || lead.units() <= max);
        String range = (min == null ? "any" : min) + "-" + (max == null ? "any" : max);
        return fits
                ? new Factor(weights.unitFit(), 1.0, "units: " + lead.units() + " within your range " + range)
                : new Factor(weights.unitFit(), 0.0, "units: " + lead.units() + " outside your range " + range);
    }

    private Factor urgency(Lead lead) {
        double fraction = switch (lead.urgency()) {
            case "urgent" -> 1.0;
            case "high" -> 0.75;
            case "medium" -> 0.5;
            default -> 0.25;
        };
        return new Factor(weights.urgency(), fraction, "urgency: " + lead.urgency());
    }

    private Factor freshness(Lead lead, Instant now) {
        Duration age = Duration.between(lead.createdAt(), now);
        if (age.compareTo(Duration.ofHours(1)) <= 0) {
            return new Factor(weights.freshness(), 1.0, "freshness: submitted within the hour");
        }
        if (age.compareTo(Duration.ofDays(1)) <= 0) {
            return new Factor(weights.freshness(), 0.5, "freshness: submitted today");
        }
        return new Factor(weights.freshness(), 0.0, "freshness: older than a day");
    }
}
