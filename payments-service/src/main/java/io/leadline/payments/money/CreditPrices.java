package io.leadline.payments.money;

import io.leadline.payments.config.PaymentsConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one credit costs in each currency it can be bought with ({@code leadline.payments.credit-price.<CODE>},
 * in the currency's minor units). A currency without a price cannot buy credits: there is no
 * conversion, so 100 credits never cost 100 of whatever the buyer picks. Checked at start-up: a bad
 * price list stops the service rather than selling credits at a wrong price.
 */
@ApplicationScoped
public class CreditPrices {

    /** 100,000.00 of a two-decimal currency per credit: far beyond any real price, well inside the amount columns. */
    static final long MAX_PRICE_MINOR = 10_000_000L;
    private static final Logger LOG = Logger.getLogger(CreditPrices.class);

    @Inject
    PaymentsConfig config;

    private Map<String, Long> prices;

    @PostConstruct
    void load() {
        prices = checked(config.creditPrice());
        if (prices.isEmpty()) {
            LOG.warn("no leadline.payments.credit-price.<CURRENCY> configured: credits cannot be bought");
        }
    }

    /** The configured prices by upper-case currency code; IllegalStateException naming the bad entry. */
    static Map<String, Long> checked(Map<String, Long> configured) {
        Map<String, Long> checked = new TreeMap<>();
        configured.forEach((code, price) -> {
            String currency = code.toUpperCase(Locale.ROOT);
            if (!Money.isAccepted(currency)) {
                throw new IllegalStateException("leadline.payments.credit-price." + code
                        + ": not an ISO 4217 currency with at most two decimals");
            }
            if (price == null || price <= 0 || price > MAX_PRICE_MINOR) {
                throw new IllegalStateException("leadline.payments.credit-price." + code + ": must be 1 to "
                        + MAX_PRICE_MINOR + " (minor units per credit), not " + price);
            }
            checked.put(currency, price);
        });
        return Collections.unmodifiableMap(checked);
    }

    void check(@Observes StartupEvent ignored) {
        // constructing the bean validates the configuration before the first request
    }

    /** What {@code credits} cost in {@code currency}; empty when credits have no price in it. */
    public Optional<Money> price(long credits, String currency) {
        Long unit = prices.get(currency);
        return unit == null ? Optional.empty() : Optional.of(new Money(Math.multiplyExact(credits, unit), currency));
    }

    /** The currencies credits can be bought with, in alphabetical order. */
    public Set<String> currencies() {
        return prices.keySet();
    }
}
