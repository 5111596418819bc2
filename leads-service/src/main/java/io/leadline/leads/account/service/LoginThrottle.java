package io.leadline.leads.account.service;

import io.leadline.leads.account.LoginThrottleConfig;
import io.leadline.leads.account.repository.LoginFailureRepository;
import io.leadline.leads.account.repository.LoginFailureRepository.Count;
import io.leadline.shared.web.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Slows password guessing down: sign-ins are counted per account and per client address
 * ({@link LoginThrottleConfig}) before the password is looked at, and those that succeed are taken
 * back; once either has used up its failures, sign-ins are answered 429 until that window ends. Counts live in PostgreSQL, shared by
 * every instance. Unknown usernames are counted like known ones, so a 429 tells nothing about which
 * accounts exist. Every statement commits on its own, as soon as it ran, so a count never waits for the
 * rest of a sign-in.
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

    /**
     * Counts this sign-in as a failure before the password is looked at (so parallel attempts cannot
     * all pass a check made before any of them failed), and fails with a 429 problem with
     * {@code Retry-After} when the account or the address has no attempts left in its window. A refused
     * attempt is taken back again, so that every window ends.
     */
    public Uni<Void> attempt(String username, String address) {
        String account = accountOf(username);
        return alone(() -> failures.addAttempt(ACCOUNT, account, config.account().window()))
                .flatMap(forAccount -> alone(() -> failures.addAttempt(ADDRESS, address, config.address().window()))
                        .flatMap(fromAddress -> {
                            Optional<Duration> accountWait = over(forAccount, config.account().maxFailures());
                            Optional<Duration> addressWait = over(fromAddress, config.address().maxFailures());
                            if (accountWait.isEmpty() && addressWait.isEmpty()) {
                                return Uni.createFrom().voidItem();
                            }
                            return alone(() -> failures.takeBack(ACCOUNT, account))
                                    .chain(() -> alone(() -> failures.takeBack(ADDRESS, address)))
                                    .chain(() -> Uni.createFrom().failure(refusal(accountWait, addressWait)));
                        }));
    }

    /**
     * The attempt was right: it resets the account's count and is taken back from the address's. The
     * address's other failures stay: otherwise one account of an attacker's own would reset the count of
     * the address it guesses other accounts' passwords from.
     */
    public Uni<Void> succeeded(String username, String address) {
        return alone(() -> failures.clear(ACCOUNT, accountOf(username)))
                .chain(() -> alone(() -> failures.takeBack(ADDRESS, address)));
    }

    @Scheduled(every = "${leadline.auth.throttle.prune-interval:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pruneEndedWindows() {
        return alone(() -> failures.deleteEnded(ACCOUNT, config.account().window()))
                .flatMap(accounts -> alone(() -> failures.deleteEnded(ADDRESS, config.address().window()))
                        .map(addresses -> accounts + addresses))
                .invoke(pruned -> {
                    if (pruned > 0) {
                        LOG.debugf("pruned %d ended sign-in failure windows", pruned);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf(e, "pruning sign-in failure windows failed; trying again next round"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private static ProblemException refusal(Optional<Duration> accountWait, Optional<Duration> addressWait) {
        Duration wait = Stream.of(accountWait, addressWait).flatMap(Optional::stream).max(Comparator.naturalOrder())
                .orElseThrow();
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000); // as Retry-After will say
        String what = accountWait.isPresent() ? "for this username" : "from this address";
        return ProblemException.tooManyRequests("too many failed sign-ins " + what + "; try again after "
                + seconds + " s", Duration.ofSeconds(seconds));
    }

    /** One statement in a transaction of its own. */
    private static <T> Uni<T> alone(Supplier<Uni<T>> statement) {
        return Panache.withTransaction(statement);
    }

    /** How long until the window ends, when this attempt is one more than it allows. */
    private static Optional<Duration> over(Count count, int maxFailures) {
        return count.failures() > maxFailures ? Optional.of(count.remaining()) : Optional.empty();
    }

    /** Usernames are unique regardless of case, so "Alice" and "alice" share one count. */
    private static String accountOf(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
