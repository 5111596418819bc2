package io.leadline.notify.nativeimage;

import io.leadline.shared.escrow.EscrowPartiesBucket;
import io.leadline.shared.event.EventEnvelope;
import io.leadline.shared.event.EventType;
import io.leadline.shared.event.escrow.ConfirmationAdded;
import io.leadline.shared.event.escrow.DisputeRaised;
import io.leadline.shared.event.escrow.EscrowUpdate;
import io.leadline.shared.event.escrow.PaymentStatus;
import io.leadline.shared.event.escrow.StatusChange;
import io.leadline.shared.event.leads.LeadAlert;
import io.leadline.shared.event.leads.LeadClaimed;
import io.leadline.shared.event.leads.LeadCreated;
import io.leadline.shared.event.leads.LeadDistributed;
import io.leadline.shared.event.leads.LeadScore;
import io.leadline.shared.event.leads.ReadyNotification;
import io.leadline.shared.event.monitor.FraudAlert;
import io.leadline.shared.event.monitor.MetricsUpdated;
import io.leadline.shared.event.monitor.RefundProcessed;
import io.leadline.shared.event.monitor.TransactionEvent;
import io.leadline.shared.event.monitor.WebhookEvent;
import io.leadline.shared.event.user.BalanceUpdated;
import io.leadline.shared.event.user.NotificationMessage;
import io.leadline.shared.event.user.NotificationRead;
import io.leadline.shared.rpc.CreditRequest;
import io.leadline.shared.rpc.DebitRequest;
import io.leadline.shared.rpc.UsersByRoleReply;
import io.leadline.shared.rpc.UsersByRoleRequest;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.leadline.shared.rpc.VoidReply;
import io.leadline.shared.rpc.VoidRequest;
import io.leadline.shared.rpc.WalletReply;
import io.leadline.shared.web.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep for reflection: Jackson reads and writes these records through
 * {@code JsonCodec} (outside REST resource signatures, so Quarkus cannot discover them), and the
 * gateway reaches the Netty channel under a websockets-next connection through a package-private
 * method and a private field ({@code RawSockets}) and lets go of the upgrade request through private fields
 * ({@code UpgradeLeftovers}). Package-private types are named by string; {@code NativeReflectionTest}
 * fails when a new frame record or event record is not listed here.
 */
@RegisterForReflection(
        targets = {
                EventEnvelope.class, EventType.class,
                // user.{id}
                BalanceUpdated.class, NotificationMessage.class, NotificationRead.class,
                // leads
                LeadAlert.class, LeadClaimed.class, LeadCreated.class, LeadDistributed.class,
                LeadScore.class, LeadScore.Badge.class, ReadyNotification.class,
                // escrow.{id}
                ConfirmationAdded.class, DisputeRaised.class, EscrowUpdate.class, PaymentStatus.class,
                StatusChange.class,
                // payments.monitor
                FraudAlert.class, MetricsUpdated.class, RefundProcessed.class, TransactionEvent.class,
                WebhookEvent.class,
                // request-reply contract
                CreditRequest.class, DebitRequest.class, WalletReply.class, UsersByRoleRequest.class,
                UsersByRoleReply.class, UsersExistRequest.class, UsersExistReply.class, VoidRequest.class, VoidReply.class,
                // escrow membership read from the escrow-parties key-value bucket
                EscrowPartiesBucket.Parties.class,
                // problem+json
                Problem.class, Problem.FieldError.class
        },
        classNames = {
                // the gateway's own frames (package-private records)
                "io.leadline.notify.gateway.ServerFrames$Connected",
                "io.leadline.notify.gateway.ServerFrames$Subscribed",
                "io.leadline.notify.gateway.ServerFrames$Joined",
                "io.leadline.notify.gateway.ServerFrames$Unsubscribed",
                "io.leadline.notify.gateway.ServerFrames$Pong",
                "io.leadline.notify.gateway.ServerFrames$Refreshed",
                "io.leadline.notify.gateway.ServerFrames$Error",
                // RawSockets: WebSocketConnectionBase#webSocket() is package-private, and the socket
                // may be wrapped by Vert.x Web (its private field delegate)
                "io.quarkus.websockets.next.runtime.WebSocketConnectionBase",
                "io.vertx.ext.web.impl.ServerWebSocketWrapper",
                // UpgradeLeftovers: the private fields through which a socket keeps its upgrade request
                "io.quarkus.websockets.next.runtime.WebSocketConnectionImpl",
                "io.quarkus.websockets.next.runtime.WebSocketConnectionImpl$HandshakeRequestImpl",
                "io.quarkus.websockets.next.runtime.SecuritySupport",
                "io.vertx.core.http.impl.WebSocketImplBase"
        },
        methods = true,
        fields = true)
public final class NativeReflection {

    private NativeReflection() {
    }
}
