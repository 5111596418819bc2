package io.leadline.notify.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.nats.ChannelStream;
import io.leadline.shared.nats.NatsConfig;
import io.leadline.shared.presence.PresenceBucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Who is present on which presence key, across every notify-service instance, kept in the
 * {@code notify-presence} key-value bucket ({@link PresenceBucket}).
 * <p>
 * Each instance writes one entry per (presence key, user) that has at least one of its connections,
 * and refreshes a liveness key of its own every {@code leadline.presence.liveness-interval}; it watches
 * the whole bucket, so it learns the joins and leaves of the others as soon as the watch brings them.
 * A user with several connections, here or anywhere, is one member: {@link PresenceListener#memberAdded}
 * when their first connection anywhere joins, {@link PresenceListener#memberRemoved} when their last
 * leaves.
 * <p>
 * A dead instance: every instance notes when it last saw another's liveness refreshed (on its own
 * clock, so clocks need not agree); one not refreshed for {@code leadline.presence.expiry} is dead, and
 * its members are removed (listeners told) and its entries deleted from the bucket. The sweep runs every
 * {@code leadline.presence.sweep-interval}, so a crashed instance's members are gone from every other
 * instance at most expiry + sweep interval (16 s by default) after its last liveness refresh, that is
 * after the crash; an instance that starts later counts from when it first sees the entries. The
 * bucket's own age limit ({@link PresenceBucket#MAX_AGE}) is a backstop for the whole cluster stopping
 * at once. An instance that lost its liveness for longer than the expiry (cut off from NATS, and so
 * purged by the others) writes all its entries again once it can.
 * <p>
 * Joins and leaves change this instance's view at once and never block: the bucket is written by one
 * writer thread, in order. The {@code max-members} limit is checked against this instance's view, so
 * simultaneous joins on several instances can exceed it by a few.
 */
@Startup
@ApplicationScoped
public class PresenceRegistry {

    private static final Logger LOG = Logger.getLogger(PresenceRegistry.class);

    /** Presence keys: the characters of a Pusher channel name, as long as one. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_\\-=@,.;]{1,164}");

    private static final String MEMBER_PREFIX = "m.";
    private static final String LIVENESS_PREFIX = "i.";
    /** Entries written at most this many to a flush, so the purges of dead instances are not stuck behind a big batch. */
    private static final int FLUSH_BATCH = 500;
    /** How long a start waits for the watch to bring what the bucket holds. */
    private static final Duration INITIAL_LOAD_WAIT = Duration.ofSeconds(30);
    /** How long a graceful stop gives the deletes of this instance's entries. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The timings and limit of one registry. */
    record Settings(Duration livenessInterval, Duration expiry, Duration sweepInterval, int maxMembers) {

        static Settings of(PresenceConfig config) {
            return new Settings(config.livenessInterval(), config.expiry(), config.sweepInterval(),
                    config.maxMembers());
        }
    }

    /** A presence key and user of this instance: its entry in the bucket. */
    private record Ref(String presenceKey, String userId) {
    }

    /** A user present through connections of this instance. */
    private static final class LocalUser {
        final Member member;
        int connections = 1;
        /** System.nanoTime() of the last successful put, 0 before the first. */
        long putAt;

        LocalUser(Member member) {
            this.member = member;
        }
    }

    /** Another instance's entry, with the revision the watch brought (deleting it is conditional on it). */
    private record RemoteEntry(String presenceKey, String userId, long revision) {
    }

    /** Another instance as seen here. */
    private static final class Remote {
        long lastSeen;
        long livenessRevision;
        final Map<String, RemoteEntry> entries = new HashMap<>();

        Remote(long lastSeen) {
            this.lastSeen = lastSeen;
        }
    }

    @Inject
    Connection connection;

    @Inject
    NatsConfig natsConfig;

    /** Provisioned together with the bucket: waiting for it first keeps the start order. */
    @Inject
    ChannelStream stream;

    @Inject
    PresenceConfig config;

    @Inject
    MeterRegistry meters;

    private final Object lock = new Object();
    /** presence key -> user -> instance -> member: the cluster's members as this instance knows them. */
    private final Map<String, Map<String, Map<String, Member>>> view = new HashMap<>();
    /** presence key -> connection id -> user id, for this instance's connections. */
    private final Map<String, Map<String, String>> localConnections = new HashMap<>();
    /** presence key -> user id -> the user's connections here. */
    private final Map<String, Map<String, LocalUser>> localUsers = new HashMap<>();
    /** Entries of this instance the bucket must be brought in line with. */
    private final Set<Ref> dirty = new LinkedHashSet<>();
    /** Entries whose write failed: tried again at the next liveness refresh. */
    private final Set<Ref> failed = new LinkedHashSet<>();
    private final Map<String, Remote> remotes = new HashMap<>();
    private final List<PresenceListener> listeners = new CopyOnWriteArrayList<>();

    private String instanceId;
    private Settings settings;
    private Connection nats;
    private KeyValue bucket;
    private NatsKeyValueWatchSubscription watch;
    private ScheduledExecutorService writer;
    private ScheduledExecutorService liveness;
    private ScheduledExecutorService sweeper;
    private ExecutorService events;
    private boolean flushScheduled;
    private boolean stopped;
    private boolean disconnected;
    private long livenessRevision;
    /** Changes of membership so far (under the lock): the version of each event and of each snapshot. */
    private long changes;
    private long lastLivenessAt;

    private volatile int keyCount;
    private volatile int memberCount;
    private volatile int localConnectionCount;
    private volatile int remoteInstances;
    private Counter refused;
    private Counter purged;
    private Counter writeFailures;

    /** For CDI. */
    public PresenceRegistry() {
    }

    /** A registry of its own on {@code nats}, started at once: another instance, for tests. */
    PresenceRegistry(Connection nats, Settings settings) {
        this.nats = nats;
        this.settings = settings;
        this.bucket = PresenceBucket.open(nats);
        start();
    }

    @PostConstruct
    void init() {
        nats = connection;
        settings = Settings.of(config);
        bucket = awaitBucket();
        refused = Counter.builder("leadline.presence.joins.refused")
                .description("Presence joins refused because the key had its maximum of members").register(meters);
        purged = Counter.builder("leadline.presence.instances.purged")
                .description("Instances found dead whose members were removed").register(meters);
        writeFailures = Counter.builder("leadline.presence.write.failures")
                .description("Writes of this instance's presence entries that failed (tried again)").register(meters);
        Gauge.builder("leadline.presence.keys", this, r -> r.keyCount)
                .description("Presence keys with at least one member on any instance").register(meters);
        Gauge.builder("leadline.presence.members", this, r -> r.memberCount)
                .description("Members over all presence keys (a user counts once per key)").register(meters);
        Gauge.builder("leadline.presence.local.connections", this, r -> r.localConnectionCount)
                .description("Connections of this instance that joined a presence key").register(meters);
        Gauge.builder("leadline.presence.instances", this, r -> r.remoteInstances)
                .description("Other instances this one sees in the presence bucket").register(meters);
        start();
    }

    private void start() {
        instanceId = newInstanceId();
        writer = Executors.newSingleThreadScheduledExecutor(daemon("presence-writer"));
        liveness = Executors.newSingleThreadScheduledExecutor(daemon("presence-liveness"));
        sweeper = Executors.newSingleThreadScheduledExecutor(daemon("presence-sweeper"));
        events = Executors.newSingleThreadExecutor(daemon("presence-events"));
        CountDownLatch loaded = new CountDownLatch(1);
        long loading = System.nanoTime();
        try {
            watch = bucket.watchAll(new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    apply(entry);
                }

                @Override
                public void endOfData() {
                    loaded.countDown();
                }
            });
            if (!loaded.await(INITIAL_LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("the %s bucket's entries did not all arrive within %s; continuing", PresenceBucket.NAME,
                        INITIAL_LOAD_WAIT);
            }
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot watch the " + PresenceBucket.NAME + " bucket", e);
        }
        long interval = settings.livenessInterval().toMillis();
        liveness.scheduleWithFixedDelay(this::refreshLiveness, 0, interval, TimeUnit.MILLISECONDS);
        long sweep = settings.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        synchronized (lock) {
            LOG.infof("presence registry started as instance %s (liveness every %s, expiry %s): %d keys, %d other "
                            + "instances, loaded in %d ms", instanceId, settings.livenessInterval(), settings.expiry(),
                    view.size(), remotes.size(), (System.nanoTime() - loading) / 1_000_000);
        }
    }

    /** The bucket, once provisioning has created it (this service may use it, never create it). */
    private KeyValue awaitBucket() {
        long deadline = System.nanoTime() + natsConfig.provisioningWait().toNanos();
        while (true) {
            try {
                return PresenceBucket.open(nats);
            } catch (IllegalStateException missing) {
                if (System.nanoTime() > deadline) {
                    throw missing;
                }
                LOG.infof("waiting for the %s bucket to be provisioned: %s", PresenceBucket.NAME, missing.getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    // --- the API -------------------------------------------------------------------------------------

    /**
     * A connection of this instance joins; returns false when the key already has max-members distinct
     * users (refused). Joining again with the same connection and user changes nothing; with another
     * user, the connection first leaves. Never blocks.
     */
    public boolean join(String presenceKey, String connectionId, Member member) {
        requireKey(presenceKey);
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(member, "member");
        String userId = member.userId();
        synchronized (lock) {
            if (stopped) {
                return false;
            }
            String existing = localConnections.getOrDefault(presenceKey, Map.of()).get(connectionId);
            if (existing != null) {
                if (existing.equals(userId)) {
                    return true;
                }
                leaveLocked(presenceKey, connectionId);
            }
            Map<String, Map<String, Member>> users = view.get(presenceKey);
            boolean present = users != null && users.containsKey(userId);
            if (!present && users != null && users.size() >= settings.maxMembers()) {
                if (refused != null) {
                    refused.increment();
                }
                return false;
            }
            localConnections.computeIfAbsent(presenceKey, k -> new HashMap<>()).put(connectionId, userId);
            localConnectionCount++;
            Map<String, LocalUser> here = localUsers.computeIfAbsent(presenceKey, k -> new HashMap<>());
            LocalUser local = here.get(userId);
            if (local == null) {
                here.put(userId, new LocalUser(member));
                addToView(presenceKey, userId, instanceId, member);
                markDirty(new Ref(presenceKey, userId));
            } else {
                local.connections++;
            }
            return true;
        }
    }

    /** A connection of this instance leaves (nothing happens when it had not joined). Never blocks. */
    public void leave(String presenceKey, String connectionId) {
        if (presenceKey == null || connectionId == null) {
            return;
        }
        synchronized (lock) {
            if (!stopped) {
                leaveLocked(presenceKey, connectionId);
            }
        }
    }

    /** Distinct members across all instances (a user with several connections anywhere counts once). */
    public Collection<Member> members(String presenceKey) {
        return snapshot(presenceKey).members();
    }

    /** The members of a key and the version of the last change they show (see {@link PresenceListener}). */
    public record Snapshot(Collection<Member> members, long version) {
    }

    public Snapshot snapshot(String presenceKey) {
        synchronized (lock) {
            Map<String, Map<String, Member>> users = view.get(presenceKey);
            if (users == null) {
                return new Snapshot(List.of(), changes);
            }
            List<Member> members = new ArrayList<>(users.size());
            for (Map<String, Member> holders : users.values()) {
                Member own = holders.get(instanceId);
                members.add(own != null ? own : holders.values().iterator().next());
            }
            return new Snapshot(members, changes);
        }
    }

    public int memberCount(String presenceKey) {
        synchronized (lock) {
            Map<String, Map<String, Member>> users = view.get(presenceKey);
            return users == null ? 0 : users.size();
        }
    }

    /** Keys with at least one member anywhere. */
    public Set<String> keys() {
        synchronized (lock) {
            return Set.copyOf(view.keySet());
        }
    }

    /**
     * Listeners are called on one dedicated thread (never an event loop), in order: memberAdded when a
     * user's first connection anywhere joins, memberRemoved when their last leaves or their instance dies.
     */
    public void addListener(PresenceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** This instance's id in the bucket (random per start). */
    String instanceId() {
        return instanceId;
    }

    // --- local changes -------------------------------------------------------------------------------

    private void leaveLocked(String presenceKey, String connectionId) {
        Map<String, String> connections = localConnections.get(presenceKey);
        String userId = connections == null ? null : connections.remove(connectionId);
        if (userId == null) {
            return;
        }
        localConnectionCount--;
        if (connections.isEmpty()) {
            localConnections.remove(presenceKey);
        }
        Map<String, LocalUser> here = localUsers.get(presenceKey);
        LocalUser local = here.get(userId);
        if (--local.connections > 0) {
            return;
        }
        here.remove(userId);
        if (here.isEmpty()) {
            localUsers.remove(presenceKey);
        }
        removeFromView(presenceKey, userId, instanceId);
        markDirty(new Ref(presenceKey, userId));
    }

    private void markDirty(Ref ref) {
        dirty.add(ref);
        if (!flushScheduled) {
            flushScheduled = true;
            writer.execute(this::flush);
        }
    }

    // --- the view ------------------------------------------------------------------------------------

    private void addToView(String presenceKey, String userId, String instance, Member member) {
        Map<String, Map<String, Member>> users = view.get(presenceKey);
        if (users == null) {
            users = new LinkedHashMap<>();
            view.put(presenceKey, users);
            keyCount = view.size();
        }
        Map<String, Member> holders = users.get(userId);
        if (holders == null) {
            holders = new HashMap<>(2);
            users.put(userId, holders);
            memberCount++;
            emit(presenceKey, member, true);
        }
        holders.put(instance, member);
    }

    private void removeFromView(String presenceKey, String userId, String instance) {
        Map<String, Map<String, Member>> users = view.get(presenceKey);
        Map<String, Member> holders = users == null ? null : users.get(userId);
        Member member = holders == null ? null : holders.remove(instance);
        if (member == null || !holders.isEmpty()) {
            return;
        }
        users.remove(userId);
        memberCount--;
        if (users.isEmpty()) {
            view.remove(presenceKey);
            keyCount = view.size();
        }
        emit(presenceKey, member, false);
    }

    /** Called under the lock, so the events thread gets the changes in the order they happened. */
    private void emit(String presenceKey, Member member, boolean added) {
        long version = ++changes;
        if (listeners.isEmpty()) {
            return;
        }
        events.execute(() -> {
            for (PresenceListener listener : listeners) {
                try {
                    if (added) {
                        listener.memberAdded(presenceKey, member, version);
                    } else {
                        listener.memberRemoved(presenceKey, member, version);
                    }
                } catch (RuntimeException e) {
                    LOG.warnf(e, "presence listener failed on %s of %s to %s", added ? "add" : "removal",
                            member.userId(), presenceKey);
                }
            }
        });
    }

    // --- the watch -----------------------------------------------------------------------------------

    private void apply(KeyValueEntry entry) {
        String key = entry.getKey();
        boolean put = entry.getOperation() == KeyValueOperation.PUT;
        try {
            if (key.startsWith(LIVENESS_PREFIX)) {
                applyLiveness(key.substring(LIVENESS_PREFIX.length()), put, entry.getRevision());
            } else if (key.startsWith(MEMBER_PREFIX)) {
                applyMember(entry, key, put);
            }
        } catch (RuntimeException e) {
            LOG.debugf("ignoring malformed presence entry %s: %s", key, e.getMessage());
        }
    }

    private void applyLiveness(String instance, boolean put, long revision) {
        synchronized (lock) {
            if (stopped || instance.equals(instanceId)) {
                return;
            }
            Remote remote = remotes.get(instance);
            if (put) {
                if (remote == null) {
                    remote = new Remote(System.nanoTime());
                    remotes.put(instance, remote);
                    remoteInstances = remotes.size();
                }
                remote.lastSeen = System.nanoTime();
                remote.livenessRevision = revision;
            } else if (remote != null && remote.entries.isEmpty()) {
                remotes.remove(instance); // stopped gracefully, or purged
                remoteInstances = remotes.size();
            }
        }
    }

    private void applyMember(KeyValueEntry entry, String key, boolean put) {
        String[] parts = key.split("\\.", -1);
        if (parts.length != 4) {
            return;
        }
        String instance = parts[2];
        String presenceKey = decode(parts[1]);
        String userId = decode(parts[3]);
        if (instance.equals(instanceId)) {
            // this instance's own entries: its local state is the authority. One deleted while a connection
            // still holds it (another instance thought this one dead) is written again.
            if (!put) {
                synchronized (lock) {
                    if (!stopped && localUsers.getOrDefault(presenceKey, Map.of()).containsKey(userId)) {
                        markDirty(new Ref(presenceKey, userId));
                    }
                }
            }
            return;
        }
        Member member = put ? decodeMember(entry.getValue(), userId) : null;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            Remote remote = remotes.get(instance);
            if (put) {
                if (remote == null) {
                    remote = new Remote(System.nanoTime()); // counts from its first sighting here
                    remotes.put(instance, remote);
                    remoteInstances = remotes.size();
                }
                remote.entries.put(key, new RemoteEntry(presenceKey, userId, entry.getRevision()));
                addToView(presenceKey, userId, instance, member);
            } else {
                if (remote != null) {
                    remote.entries.remove(key);
                }
                removeFromView(presenceKey, userId, instance);
            }
        }
    }

    // --- liveness and dead instances -----------------------------------------------------------------

    /**
     * On its own thread, so a long batch of entry writes never delays it: refreshes this instance's
     * liveness, and has the writer write all entries again after a gap.
     */
    private void refreshLiveness() {
        String key = LIVENESS_PREFIX + instanceId;
        byte[] value = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
        long now = System.nanoTime();
        boolean rewrite = lastLivenessAt != 0 && now - lastLivenessAt > settings.expiry().toNanos();
        try {
            try {
                livenessRevision = livenessRevision == 0 ? bucket.put(key, value)
                        : bucket.update(key, value, livenessRevision);
            } catch (JetStreamApiException lost) {
                // someone purged this instance (it seemed dead to them), or the bucket lost the key
                LOG.infof("presence liveness of %s was lost (%s): writing this instance's entries again",
                        instanceId, lost.getMessage());
                livenessRevision = bucket.put(key, value);
                rewrite = true;
            }
            lastLivenessAt = now;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            if (lastLivenessAt == 0) {
                lastLivenessAt = now;
            }
            LOG.debugf("cannot refresh presence liveness of %s: %s", instanceId, e.getMessage());
            return;
        }
        if (rewrite) {
            LOG.infof("presence instance %s was out of touch for longer than %s: writing its entries again",
                    instanceId, settings.expiry());
        }
        long refreshBefore = now - PresenceBucket.MAX_AGE.toNanos() / 2;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            for (Map.Entry<String, Map<String, LocalUser>> byKey : localUsers.entrySet()) {
                for (Map.Entry<String, LocalUser> user : byKey.getValue().entrySet()) {
                    if (rewrite || user.getValue().putAt - refreshBefore < 0) {
                        dirty.add(new Ref(byKey.getKey(), user.getKey()));
                    }
                }
            }
            dirty.addAll(failed);
            failed.clear();
            if (!dirty.isEmpty() && !flushScheduled) {
                flushScheduled = true;
                writer.execute(this::flush);
            }
        }
    }

    /** On the writer: brings a batch of this instance's entries in the bucket in line with its connections. */
    private void flush() {
        List<Ref> batch = new ArrayList<>(FLUSH_BATCH);
        synchronized (lock) {
            Iterator<Ref> it = dirty.iterator();
            while (it.hasNext() && batch.size() < FLUSH_BATCH) {
                batch.add(it.next());
                it.remove();
            }
        }
        for (Ref ref : batch) {
            Member member;
            synchronized (lock) {
                if (stopped) {
                    return;
                }
                LocalUser local = localUsers.getOrDefault(ref.presenceKey(), Map.of()).get(ref.userId());
                member = local == null ? null : local.member;
            }
            String key = memberKey(ref.presenceKey(), instanceId, ref.userId());
            try {
                if (member != null) {
                    bucket.put(key, encodeMember(member));
                    long at = System.nanoTime();
                    synchronized (lock) {
                        LocalUser local = localUsers.getOrDefault(ref.presenceKey(), Map.of()).get(ref.userId());
                        if (local != null) {
                            local.putAt = at;
                        }
                    }
                } else {
                    bucket.delete(key);
                }
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                if (writeFailures != null) {
                    writeFailures.increment();
                }
                LOG.debugf("cannot write presence entry %s (tried again): %s", key, e.getMessage());
                synchronized (lock) {
                    failed.add(ref);
                }
            }
        }
        synchronized (lock) {
            if (dirty.isEmpty() || stopped) {
                flushScheduled = false;
            } else {
                writer.execute(this::flush);
            }
        }
    }

    /** On the sweeper: removes the members of instances whose liveness is older than the expiry. */
    private void sweep() {
        try {
            if (nats.getStatus() != Connection.Status.CONNECTED) {
                disconnected = true; // the watch is not bringing anything: nobody can be judged now
                return;
            }
            long now = System.nanoTime();
            List<Runnable> deletes = new ArrayList<>();
            synchronized (lock) {
                if (stopped) {
                    return;
                }
                if (disconnected) {
                    disconnected = false;
                    for (Remote remote : remotes.values()) {
                        remote.lastSeen = now; // they get a full expiry to show up again
                    }
                    return;
                }
                long expiry = settings.expiry().toNanos();
                Iterator<Map.Entry<String, Remote>> it = remotes.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, Remote> dead = it.next();
                    Remote remote = dead.getValue();
                    if (now - remote.lastSeen <= expiry) {
                        continue;
                    }
                    it.remove();
                    String instance = dead.getKey();
                    LOG.infof("presence instance %s has not refreshed its liveness for %s: removing its %d entries",
                            instance, settings.expiry(), remote.entries.size());
                    for (Map.Entry<String, RemoteEntry> entry : remote.entries.entrySet()) {
                        RemoteEntry gone = entry.getValue();
                        removeFromView(gone.presenceKey(), gone.userId(), instance);
                        deletes.add(() -> deleteIfUnchanged(entry.getKey(), gone.revision()));
                    }
                    if (remote.livenessRevision != 0) {
                        long revision = remote.livenessRevision;
                        deletes.add(() -> deleteIfUnchanged(LIVENESS_PREFIX + instance, revision));
                    }
                    if (purged != null) {
                        purged.increment();
                    }
                }
                remoteInstances = remotes.size();
            }
            if (!deletes.isEmpty()) {
                writer.execute(() -> deletes.forEach(Runnable::run));
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "presence sweep failed");
        }
    }

    /** Deletes a dead instance's entry unless it wrote it again meanwhile (it was not dead after all). */
    private void deleteIfUnchanged(String key, long revision) {
        try {
            bucket.delete(key, revision);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debugf("presence entry %s not deleted: %s", key, e.getMessage());
        }
    }

    // --- stopping ------------------------------------------------------------------------------------

    void onShutdown(@Observes ShutdownEvent event) {
        stop(true);
    }

    @PreDestroy
    void destroy() {
        stop(true);
    }

    /**
     * Stops the registry. Gracefully: this instance's entries and liveness are deleted from the bucket,
     * so the others remove its members at once. Otherwise (a crash, in tests) the bucket keeps them
     * until the others find this instance dead.
     */
    void stop(boolean graceful) {
        List<String> own = new ArrayList<>();
        synchronized (lock) {
            if (stopped || writer == null) {
                return;
            }
            stopped = true;
            for (Map.Entry<String, Map<String, LocalUser>> byKey : localUsers.entrySet()) {
                for (String userId : byKey.getValue().keySet()) {
                    own.add(memberKey(byKey.getKey(), instanceId, userId));
                }
            }
        }
        sweeper.shutdownNow();
        liveness.shutdownNow();
        try {
            liveness.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS); // its last put lands first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            watch.unsubscribe();
        } catch (RuntimeException e) {
            LOG.debugf("presence watch not ended cleanly: %s", e.getMessage());
        }
        if (!graceful) {
            writer.shutdownNow();
            events.shutdownNow();
            return;
        }
        writer.execute(() -> {
            for (String key : own) {
                try {
                    bucket.delete(key);
                } catch (IOException | JetStreamApiException | RuntimeException e) {
                    LOG.debugf("presence entry %s not deleted at shutdown: %s", key, e.getMessage());
                }
            }
            try {
                bucket.delete(LIVENESS_PREFIX + instanceId);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.debugf("presence liveness of %s not deleted at shutdown: %s", instanceId, e.getMessage());
            }
        });
        writer.shutdown();
        events.shutdown();
        try {
            if (!writer.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("presence entries of %s not all deleted within %s; the others will find it dead",
                        instanceId, STOP_WAIT);
                writer.shutdownNow();
            }
            events.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- encoding ------------------------------------------------------------------------------------

    static String memberKey(String presenceKey, String instance, String userId) {
        return MEMBER_PREFIX + encode(presenceKey) + "." + instance + "." + encode(userId);
    }

    static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String encoded) {
        return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    private static byte[] encodeMember(Member member) {
        ObjectNode node = JsonCodec.mapper().createObjectNode();
        node.put("user_id", member.userId());
        node.put("user_info", member.userInfoJson());
        try {
            return JsonCodec.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Member decodeMember(byte[] value, String userId) {
        JsonNode node = JsonCodec.tree(value);
        JsonNode info = node.path("user_info");
        return new Member(userId, info.isTextual() ? info.asText() : "{}");
    }

    private static void requireKey(String presenceKey) {
        if (presenceKey == null || !KEY.matcher(presenceKey).matches()) {
            throw new IllegalArgumentException("not a presence key: " + presenceKey);
        }
    }

    private static String newInstanceId() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
