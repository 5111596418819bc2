package io.leadline.shared.nats.security;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The nats-server configuration of the platform: JetStream, and one account whose users are the
 * {@link NatsIdentity identities} with their permissions. There is no anonymous user: a client without
 * credentials cannot connect. The accounts block is also what deploy/k8s ships (there the passwords are
 * references to environment variables filled from a Secret); a test keeps the two the same.
 */
public final class NatsServerConfig {

    public static final String ACCOUNT = "LEADLINE";

    private NatsServerConfig() {
    }

    /**
     * What makes a server one node of a JetStream cluster: its unique name (stream and consumer leaders are
     * reported by it), the cluster's name, where it listens for routes from the other nodes, and the routes
     * to every node (its own is ignored by nats-server, so every node may be given the same list).
     */
    public record Cluster(String serverName, String clusterName, String routeHost, int routePort, List<String> routes) {

        public Cluster {
            routes = List.copyOf(routes);
        }
    }

    /** A complete configuration for one server with the given literal passwords (`./leadline up`, tests). */
    public static String render(String host, int port, String storeDir, String stream, Map<NatsIdentity, String> passwords) {
        return render(host, port, storeDir, stream, passwords, Optional.empty());
    }

    /** As {@link #render(String, int, String, String, Map)}, as one node of {@code cluster} when given. */
    public static String render(String host, int port, String storeDir, String stream, Map<NatsIdentity, String> passwords,
            Optional<Cluster> cluster) {
        return cluster.map(node -> "server_name: " + quote(node.serverName()) + "\n").orElse("")
                + "host: " + quote(host) + "\n"
                + "port: " + port + "\n"
                + "jetstream {\n  store_dir: " + quote(storeDir) + "\n}\n"
                + cluster.map(NatsServerConfig::clusterBlock).orElse("")
                + accounts(stream, identity -> {
                    String password = passwords.get(identity);
                    if (password == null) {
                        throw new IllegalArgumentException("no password for NATS user " + identity.user());
                    }
                    return quote(password);
                });
    }

    private static String clusterBlock(Cluster node) {
        return "cluster {\n"
                + "  name: " + quote(node.clusterName()) + "\n"
                + "  listen: " + quote(node.routeHost() + ":" + node.routePort()) + "\n"
                + "  routes: " + list(node.routes()) + "\n"
                + "}\n";
    }

    /** The accounts block with each password read from an environment variable ({@link #passwordVariable}). */
    public static String accountsWithPasswordsFromEnvironment(String stream) {
        return accounts(stream, identity -> "$" + passwordVariable(identity));
    }

    /** {@code NATS_LEADS_PASSWORD}: the variable a server reads a user's password from. */
    public static String passwordVariable(NatsIdentity identity) {
        return "NATS_" + identity.user().toUpperCase(Locale.ROOT) + "_PASSWORD";
    }

    static String accounts(String stream, Function<NatsIdentity, String> password) {
        StringBuilder out = new StringBuilder();
        out.append("accounts {\n  ").append(ACCOUNT).append(" {\n    jetstream: enabled\n    users: [\n");
        for (NatsIdentity identity : NatsIdentity.values()) {
            NatsIdentity.Permissions permissions = identity.permissions(stream);
            out.append("      {\n");
            out.append("        user: ").append(quote(identity.user())).append("\n");
            out.append("        password: ").append(password.apply(identity)).append("\n");
            out.append("        permissions {\n");
            out.append("          publish { allow: ").append(list(permissions.publish())).append(" }\n");
            out.append("          subscribe { allow: ").append(list(permissions.subscribe())).append(" }\n");
            if (permissions.answersRequests()) {
                out.append("          allow_responses: true\n");
            }
            out.append("        }\n      }\n");
        }
        out.append("    ]\n  }\n}\n");
        return out.toString();
    }

    /** The permission table as docs/security.md shows it (a test keeps the two the same). */
    public static String permissionTable(String stream) {
        StringBuilder out = new StringBuilder();
        out.append("| user | may publish (or request) on | may subscribe to | answers requests |\n");
        out.append("|---|---|---|---|\n");
        for (NatsIdentity identity : NatsIdentity.values()) {
            NatsIdentity.Permissions permissions = identity.permissions(stream);
            out.append("| `").append(identity.user()).append("` | ")
                    .append(permissions.publish().stream().map(subject -> "`" + subject + "`").collect(Collectors.joining(", ")))
                    .append(" | ")
                    .append(permissions.subscribe().stream().map(subject -> "`" + subject + "`").collect(Collectors.joining(", ")))
                    .append(" | ").append(permissions.answersRequests() ? "yes" : "no").append(" |\n");
        }
        return out.toString();
    }

    private static String list(java.util.List<String> subjects) {
        return subjects.stream().map(NatsServerConfig::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    /** A double-quoted string: nats-server reads it literally (no variables, whatever it holds). */
    static String quote(String text) {
        if (text.indexOf('"') >= 0 || text.indexOf('\\') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("cannot quote " + text);
        }
        return "\"" + text + "\"";
    }
}
