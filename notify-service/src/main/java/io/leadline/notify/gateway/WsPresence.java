package io.leadline.notify.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadline.notify.presence.Member;
import io.leadline.notify.presence.PresenceListener;
import io.leadline.notify.presence.PresenceRegistry;
import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.Subscriptions;
import io.leadline.shared.event.Channels;
import io.leadline.shared.json.JsonCodec;
import io.netty.channel.EventLoop;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence on {@code /ws}: a subscription to {@code lead.{id}} makes the user a member of that lead's
 * presence, shared with the Pusher channel {@code presence-lead.{id}} and with every instance; its
 * subscribers learn who joins and leaves ({@code member_joined}, {@code member_left}), except about
 * their own user.
 */
@ApplicationScoped
public class WsPresence implements PresenceListener {

    @Inject
    PresenceRegistry presence;

    @Inject
    Subscriptions subscriptions;

    /** Per session and presence channel: the version of the member list it was sent. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        presence.addListener(this);
    }

    static boolean isPresence(String channel) {
        return Channels.kindOf(channel) == Channels.ChannelKind.LEAD;
    }

    /**
     * Joins as the member the Pusher auth endpoint would describe ({@code name}, {@code role}); false when
     * the lead already has the most members a presence may have.
     */
    boolean join(ClientSession session, String channel, String name) {
        return presence.join(channel, session.id(), member(session, name));
    }

    void leave(ClientSession session, String channel) {
        presence.leave(channel, session.id());
        versions.remove(versionKey(session, channel));
    }

    /**
     * The members a subscription starts from; member events up to its version are already in the list, so
     * the session is not told about them again.
     */
    ArrayNode members(ClientSession session, String channel) {
        PresenceRegistry.Snapshot snapshot = presence.snapshot(channel);
        versions.put(versionKey(session, channel), snapshot.version());
        return membersJson(snapshot.members());
    }

    private static String versionKey(ClientSession session, String channel) {
        return session.id() + ' ' + channel;
    }

    static Member member(ClientSession session, String name) {
        ObjectNode info = JsonCodec.mapper().createObjectNode();
        info.put("name", name == null ? session.userId() : name);
        info.put("role", session.role());
        return new Member(session.userId(), info.toString());
    }

    @Override
    public void memberAdded(String presenceKey, Member member, long version) {
        announce(presenceKey, member, version, "member_joined");
    }

    @Override
    public void memberRemoved(String presenceKey, Member member, long version) {
        announce(presenceKey, member, version, "member_left");
    }

    private void announce(String channel, Member member, long version, String type) {
        if (!isPresence(channel)) {
            return;
        }
        Map<EventLoop, Set<ClientSession>> loops = subscriptions.of(channel);
        if (loops.isEmpty()) {
            return;
        }
        ObjectNode frame = JsonCodec.mapper().createObjectNode();
        frame.put("type", type);
        frame.put("channel", channel);
        frame.set("member", memberJson(member));
        String text = frame.toString();
        for (Map.Entry<EventLoop, Set<ClientSession>> group : loops.entrySet()) {
            group.getKey().execute(() -> {
                for (ClientSession session : group.getValue()) {
                    if (!member.userId().equals(session.userId())
                            && versions.getOrDefault(versionKey(session, channel), 0L) < version) {
                        session.sendText(text);
                    }
                }
            });
        }
    }

    private static ArrayNode membersJson(Collection<Member> members) {
        ArrayNode list = JsonCodec.mapper().createArrayNode();
        for (Member member : members) {
            list.add(memberJson(member));
        }
        return list;
    }

    private static ObjectNode memberJson(Member member) {
        ObjectNode node = JsonCodec.mapper().createObjectNode();
        node.put("user_id", member.userId());
        JsonNode info;
        try {
            info = JsonCodec.mapper().readTree(member.userInfoJson());
        } catch (Exception e) {
            info = JsonCodec.mapper().createObjectNode();
        }
        node.set("user_info", info);
        return node;
    }
}
