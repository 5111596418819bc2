package io.leadline.system.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real SDK clients ({@code @leadline/client}) in one node process, {@code clients/js/testing/failover-watcher.mjs}:
 * each connects first to its home gateway instance, later attempts go to the instances in turn (as behind a
 * load balancer), and every event the SDK hands to the application, and every socket opened, is reported
 * here. What a client received is what an application using the SDK would have seen.
 */
public final class SdkWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SdkWatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One watching client: a user, the instance it starts on, and the channels it subscribes to. */
    public record Client(Platform.User user, int home, List<String> channels) {
    }

    /** An event as the application received it. */
    public record Received(String channel, long seq, String id) {
    }

    private final Process process;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final List<List<Received>> received = new ArrayList<>();
    private final List<List<Integer>> connections = new ArrayList<>();

    private SdkWatcher(Process process, int clients) {
        this.process = process;
        for (int i = 0; i < clients; i++) {
            received.add(new ArrayList<>());
            connections.add(new ArrayList<>());
        }
    }

    /**
     * Starts the clients on {@code instances} (notify-service processes) and waits until every one is
     * connected and subscribed.
     */
    public static SdkWatcher start(String label, List<ServiceProcess> instances, ServiceProcess leads, List<Client> clients,
            Duration timeout) throws IOException {
        NodeTests node = NodeTests.forClients(timeout);
        node.ensureNodeModules("ws");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("instances", instances.stream().map(instance -> instance.wsUri("/ws").toString()).toList());
        config.put("leadsUrl", leads.baseUri().toString());
        config.put("clients", clients.stream().map(client -> Map.of("username", client.user().username(),
                "password", client.user().password(), "home", client.home(), "channels", client.channels())).toList());
        Path configFile = node.work().resolve(label + "-watcher.json");
        Files.writeString(configFile, JSON.writeValueAsString(config));
        Path errors = node.work().resolve(label + "-watcher.log");
        ProcessBuilder builder = new ProcessBuilder("node", "testing/failover-watcher.mjs", configFile.toString())
                .directory(node.clients().toFile())
                .redirectError(ProcessBuilder.Redirect.to(errors.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("LEADLINE_") || name.equals("NODE_OPTIONS"));
        SdkWatcher watcher = new SdkWatcher(builder.start(), clients.size());
        Thread reader = new Thread(watcher::read, "sdk-watcher");
        reader.setDaemon(true);
        reader.start();
        try {
            watcher.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            watcher.close();
            throw new IllegalStateException("the SDK clients did not all connect and subscribe within " + timeout
                    + " (node's log: " + errors + ")", e);
        }
        LOG.infof("%d SDK clients connected and subscribed (node pid %d)", clients.size(), watcher.process.pid());
        return watcher;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode json = JSON.readTree(line);
                if (json.has("ready")) {
                    ready.complete(null);
                } else if (json.has("e")) {
                    synchronized (this) {
                        connections.get(json.get("c").asInt()).add(json.get("instance").asInt());
                    }
                } else {
                    synchronized (this) {
                        received.get(json.get("c").asInt()).add(new Received(json.get("ch").asText(),
                                json.get("seq").asLong(), json.get("id").asText()));
                    }
                }
            }
            ready.completeExceptionally(new IllegalStateException("node exited with " + process.waitFor()));
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What client {@code index} received so far, in order. */
    public synchronized List<Received> received(int index) {
        return List.copyOf(received.get(index));
    }

    /** The instances client {@code index} opened a socket on, in order. */
    public synchronized List<Integer> connections(int index) {
        return List.copyOf(connections.get(index));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closing node's stdin ends it; it is killed if it does not go. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
