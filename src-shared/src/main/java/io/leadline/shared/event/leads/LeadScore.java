package io.leadline.shared.event.leads;

import java.util.List;

/** An explainable score of one lead for one recipient. */
public record LeadScore(int score, String tier, Badge badge, List<String> reasons) {

    public record Badge(String text, String color, String priority) {
    }
}
