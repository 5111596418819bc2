package io.leadline.notify.dashboard;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * Where the dashboards served by notify-service find leads- and payments-service. The pages take these
 * from {@code /config.json} only, never from their URL or from storage, and their Content-Security-Policy
 * lets them connect nowhere else.
 */
@ConfigMapping(prefix = "leadline.dashboard")
public interface DashboardConfig {

    /** leads-service as the browser reaches it, e.g. {@code https://leads.example.com}; default: the page's host at port 8081. */
    Optional<String> leadsUrl();

    /** payments-service as the browser reaches it; default: the page's host at port 8082. */
    Optional<String> paymentsUrl();
}
