package io.leadline.notify.session;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.impl.ConnectionBase;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Installs {@link FrameFaults} on the connection of every upgrade request, before the upgrade: a client may send
 * frames the moment it has the 101, and those that reach Vert.x before the socket's {@code @OnOpen} ran would pass
 * no check (an empty first fragment breaking the connection, text that is not UTF-8). Never refuses an upgrade.
 */
@ApplicationScoped
public class FrameGuard implements HttpUpgradeCheck {

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (context.httpRequest().connection() instanceof ConnectionBase connection) {
            FrameFaults.installBeforeUpgrade(connection.channelHandlerContext());
        }
        return CheckResult.permitUpgrade();
    }
}
