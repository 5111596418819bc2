package io.leadline.leads.account.rest;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refuses to start with a trusted proxy that Quarkus would resolve by name. Quarkus reads an entry that
 * is neither a CIDR nor an IP literal it recognises as a host name and looks it up over DNS on every
 * request, without caching: a bare IPv6 address such as {@code ::1} is read as host {@code :} and port 1,
 * and a slow or silent name server then holds requests for its 5 s time-out. Written as CIDRs
 * ({@code ::1/128}), IPv4 addresses, bracketed IPv6 addresses or {@code localhost} (which Quarkus maps to
 * 127.0.0.1 itself), the check costs no lookup.
 */
@ApplicationScoped
class TrustedProxies {

    static final String PROPERTY = "quarkus.http.proxy.trusted-proxies";

    private static final String IPV4 = "(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}";
    private static final Pattern WITHOUT_LOOKUP = Pattern.compile(
            "localhost|[0-9A-Fa-f:.]+/\\d{1,3}|" + IPV4 + "(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

    @ConfigProperty(name = PROPERTY)
    Optional<List<String>> configured;

    void check(@Observes StartupEvent ignored) {
        configured.ifPresent(TrustedProxies::requireNoLookup);
    }

    static void requireNoLookup(List<String> entries) {
        for (String entry : entries) {
            if (!WITHOUT_LOOKUP.matcher(entry.strip()).matches()) {
                throw new IllegalStateException(PROPERTY + " lists '" + entry + "', which Quarkus would look up over DNS "
                        + "on every request: write an IPv4 address, a CIDR (an IPv6 address as ::1/128) or [IPv6]");
            }
        }
    }
}
