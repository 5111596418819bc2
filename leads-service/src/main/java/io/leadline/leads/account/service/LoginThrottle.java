package io.leadline.leads.account.service;

import io.leadline.leads.account.LoginThrottleConfig;
import io.leadline.leads.account.repository.LoginFailureRepository;
import io.leadline.leads.account.repository.LoginFailureRepository.Count;
import io.leadline.shared.web.ProblemException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Slows password guessing down: failed sign-ins are counted per account and per client address
 * ({@link LoginThrottleConfig}); once either has used up its failures, sign-ins are answered 429
 * before the password is looked at, until that window ends. Counts live in PostgreSQL, shared by
 * every instance. Unknown usernames are counted like known ones, so a 429 tells nothing about which
 * accounts exist.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);
    static final String ACCOUNT = "account";
    static final String ADDRESS = "address";

    @Inject
    LoginFailureRepository failures;

    @Inject
    LoginThrottleConfig config;

    /** Throws a 429 problem with {@code Retry-After} while the account or the address is throttled. */
    public void check(String username, String address) {
        Optional<Duration> account = blockedFor(ACCOUNT, accountOf(username), config.account().maxFailures(),
                config.account().window());
        Optional<Duration> from = blockedFor(ADDRESS, address, config.address().maxFailures(), config.address().window());
        if (account.isEmpty() && from.isEmpty()) {
            return;
        }
        Duration wait = Stream.of(account, from).flatMap(Optional::stream).max(Comparator.naturalOrder()).orElseThrow();
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000); // as Retry-After will say
        String what = account.isPresent() ? "for this username" : "from this address";
        throw ProblemException.tooManyRequests("too many failed sign-ins " + what + "; try again after "
                + seconds + " s", Duration.ofSeconds(seconds));
    }

    public void failed(String username, String address) {
        failures.addFailure(ACCOUNT, accountOf(username), config.account().window());
        failures.addFailure(ADDRESS, address, config.address().window());
    }

    /**
     * Resets the account's count. The address's stays: otherwise one account of an attacker's own
     * would reset the count of the address it guesses other accounts' passwords from.
     */
    public void succeeded(String username) {
        failures.clear(ACCOUNT, accountOf(username));
    }

    @Scheduled(every = "${leadline.auth.throttle.prune-interval:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pruneEndedWindows() {
        try {
            int pruned = failures.deleteEnded(ACCOUNT, config.account().window())
                    + failures.deleteEnded(ADDRESS, config.address().window());
            if (pruned > 0) {
                LOG.debugf("pruned %d ended sign-in failure windows", pruned);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "pruning sign-in failure windows failed; trying again next round");
        }
    }

    private Optional<Duration> blockedFor(String scope, String subject, int maxFailures, Duration window) {
        return failures.current(scope, subject, window)
                .filter(count -> count.failures() >= maxFailures)
                .map(Count::remaining)
                .filter(remaining -> !remaining.isNegative() && !remaining.isZero());
    }

    /** Usernames are unique regardless of case, so "Alice" and "alice" share one count. */
    private static String accountOf(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
