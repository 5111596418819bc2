package io.leadline.shared.nats.security;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.event.Channels;
import io.leadline.shared.event.EventType;
import io.leadline.shared.event.Owner;
import io.leadline.shared.nats.NatsCredentials;
import io.leadline.shared.presence.PresenceBucket;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.PaymentSubjects;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may do what on NATS: one user per service plus the provisioning identity, each allowed exactly
 * what it needs (docs/security.md has the table). The channel subjects a service may publish on come
 * from the event contract: the types it owns, on the kinds of channel they travel on.
 */
public enum NatsIdentity {

    /** Publishes lead events, asks payments-service to debit, credit and void debits, answers {@code svc.leads.*}. */
    LEADS("leads", Owner.LEADS),
    /**
     * Publishes wallet, escrow and monitor events, writes the escrow-parties bucket, answers
     * {@code svc.payments.*}, asks leads-service whether an escrow's seller exists.
     */
    PAYMENTS("payments", Owner.PAYMENTS),
    /**
     * Reads the stream and the escrow-parties bucket, reads and writes its own presence bucket, publishes its
     * own notifications, asks leads-service for a role's users.
     */
    NOTIFY("notify", Owner.NOTIFY),
    /** Creates and updates the stream and the buckets; nothing else. */
    PROVISIONER("provisioner", null);

    /** What the server allows a user: subjects it may publish on and subscribe to, and whether it answers requests. */
    public record Permissions(List<String> publish, List<String> subscribe, boolean answersRequests) {
    }

    private static final String JS_API = "$JS.API.";

    private final String user;
    private final Owner owner;

    NatsIdentity(String user, Owner owner) {
        this.user = user;
        this.owner = owner;
    }

    public String user() {
        return user;
    }

    /** The reply-subject prefix this user may subscribe under. */
    public String inboxPrefix() {
        return NatsCredentials.inboxPrefixOf(user);
    }

    public Permissions permissions(String stream) {
        Set<String> publish = new LinkedHashSet<>();
        Set<String> subscribe = new LinkedHashSet<>();
        subscribe.add(inboxPrefix() + ".>");
        if (owner == Owner.NOTIFY) {
            // application events (Pusher HTTP API, client events) may name any channel, under notify's token
            publish.add(Channels.subjectsOwnedBy(owner));
        } else if (owner != null) {
            publish.addAll(channelSubjects(owner));
        }
        if (owner != null) {
            publish.add(JS_API + "STREAM.INFO." + stream);
        }
        boolean answers = false;
        switch (this) {
            case LEADS -> {
                publish.add(PaymentSubjects.DEBIT);
                publish.add(PaymentSubjects.CREDIT);
                publish.add(PaymentSubjects.VOID);
                subscribe.add(LeadsSubjects.ALL);
                answers = true;
            }
            case PAYMENTS -> {
                publish.add(EscrowPartiesBucket.keySubjects());
                publish.add(JS_API + "STREAM.INFO." + EscrowPartiesBucket.streamName());
                publish.add(LeadsSubjects.USERS_EXIST);
                subscribe.add(PaymentSubjects.ALL);
                answers = true;
            }
            case NOTIFY -> {
                publish.add(LeadsSubjects.USERS_BY_ROLE);
                publish.addAll(reader(stream));
                publish.addAll(reader(EscrowPartiesBucket.streamName()));
                publish.add(PresenceBucket.keySubjects());
                publish.addAll(reader(PresenceBucket.streamName()));
                answers = true; // flow-control replies of its push consumers
            }
            case PROVISIONER -> publish.add(JS_API + ">");
        }
        return new Permissions(List.copyOf(publish), List.copyOf(subscribe), answers);
    }

    /** The identity of the service that owns (and alone publishes) an event type. */
    public static NatsIdentity of(Owner owner) {
        for (NatsIdentity identity : values()) {
            if (identity.owner == owner) {
                return identity;
            }
        }
        throw new IllegalArgumentException("no NATS identity owns " + owner);
    }

    public static NatsIdentity ofUser(String user) {
        for (NatsIdentity identity : values()) {
            if (identity.user.equals(user)) {
                return identity;
            }
        }
        throw new IllegalArgumentException("no NATS identity " + user);
    }

    /** {@code ch.{owner}.{channel}} for every channel kind the owner's event types travel on. */
    static List<String> channelSubjects(Owner owner) {
        Set<String> subjects = new LinkedHashSet<>();
        for (EventType type : EventType.values()) {
            if (type.owner() == owner) {
                subjects.add(Channels.subjectOf(type, switch (type.channelKind()) {
                    case USER -> Channels.USER_PREFIX + "*";
                    case ESCROW -> Channels.ESCROW_PREFIX + "*";
                    case LEADS -> Channels.LEADS;
                    case PAYMENTS_MONITOR -> Channels.PAYMENTS_MONITOR;
                    case LEAD -> Channels.LEAD_PREFIX + "*";
                }));
            }
        }
        return new ArrayList<>(subjects);
    }

    /** Reading a stream: its state and messages, and consumers of its own (never acknowledging for others). */
    private static List<String> reader(String stream) {
        return List.of(
                JS_API + "STREAM.INFO." + stream,
                JS_API + "STREAM.MSG.GET." + stream,
                JS_API + "DIRECT.GET." + stream,
                JS_API + "DIRECT.GET." + stream + ".>",
                JS_API + "CONSUMER.CREATE." + stream,
                JS_API + "CONSUMER.CREATE." + stream + ".>",
                JS_API + "CONSUMER.INFO." + stream + ".>",
                JS_API + "CONSUMER.DELETE." + stream + ".>");
    }
}
