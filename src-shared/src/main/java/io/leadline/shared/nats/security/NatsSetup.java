package io.leadline.shared.nats.security;

import io.leadline.shared.nats.NatsCredentials;
import io.leadline.shared.nats.Provisioning;
import io.leadline.shared.nats.StreamLimits;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import io.nats.client.api.StreamInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets up a NATS server for the platform, from the command line (`./leadline up`, a Kubernetes job) or
 * from tests:
 * <pre>
 * NatsSetup server-config --dir DIR [--host 127.0.0.1] [--port 4223] [--store DIR/store] [--stream CHANNELS]
 *         [--server-name NAME --cluster-port PORT --routes URL,URL,... [--cluster-name leadline]]
 *     writes DIR/nats.conf (DIR/nats-NAME.conf for a cluster node) and DIR/{user}.password for every
 *     identity (owner-only files; existing passwords are kept, so a restart changes nothing, and the
 *     nodes of one cluster written into one DIR share them)
 * NatsSetup provision --url URL --password-file FILE [--tls-ca FILE] [--stream CHANNELS] [--replicas 1]
 *     creates or updates the stream and the buckets (escrow-parties, notify-presence) as the provisioning identity
 * NatsSetup leader --url URL --password-file FILE [--tls-ca FILE] [--stream CHANNELS]
 *     prints where the stream is kept: its leader and each replica, current or behind (`./leadline status`)
 * NatsSetup accounts [--stream CHANNELS]
 *     prints the accounts block with passwords read from NATS_{USER}_PASSWORD (deploy/k8s ships it)
 * NatsSetup table [--stream CHANNELS]
 *     prints the permission table of docs/security.md
 * </pre>
 */
public final class NatsSetup {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The cluster name nodes are given unless told otherwise. */
    public static final String CLUSTER_NAME = "leadline";

    private NatsSetup() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> options = options(args);
        switch (args[0]) {
            case "server-config" -> {
                Path dir = Path.of(required(options, "dir"));
                String host = options.getOrDefault("host", "127.0.0.1");
                Optional<NatsServerConfig.Cluster> cluster = Optional.ofNullable(options.get("server-name"))
                        .map(name -> new NatsServerConfig.Cluster(name, options.getOrDefault("cluster-name", CLUSTER_NAME),
                                host, Integer.parseInt(required(options, "cluster-port")),
                                List.of(required(options, "routes").split(","))));
                Path config = writeServerConfig(dir, host, Integer.parseInt(options.getOrDefault("port", "4223")),
                        Path.of(options.getOrDefault("store", dir.resolve("store").toString())),
                        options.getOrDefault("stream", StreamLimits.DEFAULTS.name()), cluster);
                System.out.println(config);
            }
            case "provision" -> {
                StreamLimits defaults = StreamLimits.DEFAULTS;
                StreamLimits limits = new StreamLimits(options.getOrDefault("stream", defaults.name()),
                        defaults.maxAge(), defaults.maxMsgsPerSubject(), defaults.maxBytes(),
                        defaults.duplicateWindow(), 1).withReplicas(Integer.parseInt(options.getOrDefault("replicas", "1")));
                provision(required(options, "url"), readPassword(Path.of(required(options, "password-file"))),
                        Optional.ofNullable(options.get("tls-ca")).map(Path::of), limits);
            }
            case "leader" -> System.out.println(streamPlacement(required(options, "url"),
                    readPassword(Path.of(required(options, "password-file"))),
                    Optional.ofNullable(options.get("tls-ca")).map(Path::of),
                    options.getOrDefault("stream", StreamLimits.DEFAULTS.name())));
            case "accounts" -> System.out.print(NatsServerConfig.accountsWithPasswordsFromEnvironment(
                    options.getOrDefault("stream", StreamLimits.DEFAULTS.name())));
            case "table" -> System.out.print(NatsServerConfig.permissionTable(
                    options.getOrDefault("stream", StreamLimits.DEFAULTS.name())));
            default -> usage();
        }
    }

    /** Writes the server configuration and any missing password file; returns the configuration's path. */
    public static Path writeServerConfig(Path dir, String host, int port, Path storeDir, String stream) {
        return writeServerConfig(dir, host, port, storeDir, stream, Optional.empty());
    }

    /**
     * As {@link #writeServerConfig(Path, String, int, Path, String)}, as one node of {@code cluster} when
     * given: its configuration is {@code nats-NAME.conf}, and the password files are those of every node.
     */
    public static Path writeServerConfig(Path dir, String host, int port, Path storeDir, String stream,
            Optional<NatsServerConfig.Cluster> cluster) {
        try {
            Files.createDirectories(dir);
            Map<NatsIdentity, String> passwords = new EnumMap<>(NatsIdentity.class);
            for (NatsIdentity identity : NatsIdentity.values()) {
                Path file = passwordFile(dir, identity);
                if (!Files.exists(file)) {
                    writeOwnerOnly(file, newPassword());
                }
                passwords.put(identity, readPassword(file));
            }
            Path config = dir.resolve(cluster.map(node -> "nats-" + node.serverName() + ".conf").orElse("nats.conf"));
            writeOwnerOnly(config, NatsServerConfig.render(host, port, storeDir.toString(), stream, passwords, cluster));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the NATS configuration into " + dir, e);
        }
    }

    public static Path passwordFile(Path dir, NatsIdentity identity) {
        return dir.resolve(identity.user() + ".password");
    }

    /** Creates or updates the stream and the buckets, connected as the provisioning identity. */
    public static void provision(String url, String password, Optional<Path> tlsCa, StreamLimits limits)
            throws Exception {
        try (Connection nats = Nats.connect(provisionerOptions(url, password, tlsCa).build())) {
            Provisioning.provision(nats, limits);
        }
    }

    /** "stream CHANNELS: 3 replicas, leader n2; n1 current; n3 current" (a single server has no cluster info). */
    static String streamPlacement(String url, String password, Optional<Path> tlsCa, String stream) throws Exception {
        try (Connection nats = Nats.connect(provisionerOptions(url, password, tlsCa).build())) {
            StreamInfo info = nats.jetStreamManagement().getStreamInfo(stream);
            ClusterInfo cluster = info.getClusterInfo();
            StringBuilder out = new StringBuilder("stream " + stream + ": " + info.getConfiguration().getReplicas()
                    + " replicas, leader " + (cluster == null || cluster.getLeader() == null ? "none" : cluster.getLeader()));
            if (cluster != null && cluster.getReplicas() != null) {
                for (Replica replica : cluster.getReplicas()) {
                    out.append("; ").append(replica.getName()).append(replica.isOffline() ? " offline"
                            : replica.isCurrent() ? " current" : " catching up");
                }
            }
            return out.toString();
        }
    }

    private static Options.Builder provisionerOptions(String url, String password, Optional<Path> tlsCa) {
        Options.Builder options = Options.builder().servers(url.split(",")).connectionName("leadline-provisioning")
                .userInfo(NatsIdentity.PROVISIONER.user(), password)
                .inboxPrefix(NatsIdentity.PROVISIONER.inboxPrefix())
                .connectionTimeout(Duration.ofSeconds(10)).maxReconnects(10);
        tlsCa.ifPresent(ca -> options.sslContext(NatsCredentials.trusting(ca)));
        return options;
    }

    public static String readPassword(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage();
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            usage();
        }
        return value;
    }

    private static void usage() {
        System.err.println("""
                usage: NatsSetup server-config --dir DIR [--host H] [--port P] [--store DIR] [--stream NAME]
                           [--server-name NAME --cluster-port PORT --routes URL,URL,... [--cluster-name NAME]]
                       NatsSetup provision --url URL --password-file FILE [--tls-ca FILE] [--stream NAME] [--replicas N]
                       NatsSetup leader --url URL --password-file FILE [--tls-ca FILE] [--stream NAME]
                       NatsSetup accounts [--stream NAME]
                       NatsSetup table [--stream NAME]""");
        System.exit(2);
    }
}
