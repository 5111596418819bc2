package io.leadline.shared.event.leads;

/** A notification ready to show as it is: clients need not compose text of their own. */
public record ReadyNotification(String title, String message, String priority) {
}
