package io.leadline.notify.pusher;

import io.leadline.notify.session.ClientSession;
import io.leadline.notify.session.TokenBucket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Pusher side of one session: its presence memberships (channel → presence key, channel → the
 * user it joined as, channel → the version of the member list it was sent) and its client-event allowance.
 */
record PusherConnection(ClientSession session, TokenBucket clientEvents, Map<String, String> presenceKeys,
        Map<String, String> presenceUsers, Map<String, Long> presenceVersions) {

    PusherConnection(ClientSession session, TokenBucket clientEvents) {
        this(session, clientEvents, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }
}
