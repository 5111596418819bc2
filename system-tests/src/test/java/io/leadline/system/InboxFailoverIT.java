package io.leadline.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadline.shared.json.JsonCodec;
import io.leadline.system.harness.ServiceProcess;
import io.leadline.testing.NatsTestServer;
import io.leadline.testing.TestDatabases;
import io.leadline.testing.TestTokens;
import io.restassured.http.ContentType;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two notify instances on one database: one of them writes the inbox under a lease. When that instance
 * is SIGKILLed, the other takes the lease over and goes on from the stored position: every notification
 * ends up in the inbox exactly once, readable on either instance.
 */
class InboxFailoverIT {

    private static final Logger LOG = Logger.getLogger(InboxFailoverIT.class);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static NatsTestServer nats;
    private static String database;
    private static final List<ServiceProcess> instances = new ArrayList<>();

    @BeforeAll
    static void start() {
        nats = NatsTestServer.start();
        database = TestDatabases.create("sys_inbox");
        for (int i = 1; i <= 2; i++) {
            instances.add(new ServiceProcess("notify-service", "InboxFailoverIT-" + i, database,
                    ServiceProcess.standardProperties("notify-service", database, nats, TestTokens.keyDir(), "admin", "unused"))
                    // a short lease, so that the takeover is quick to see
                    .property("leadline.inbox.lease", "3s")
                    .property("leadline.inbox.standby-check", "500ms"));
        }
        instances.forEach(ServiceProcess::launch);
        CompletableFuture.allOf(instances.stream().map(instance -> CompletableFuture.runAsync(instance::awaitReady))
                .toArray(CompletableFuture[]::new)).join();
    }

    @AfterAll
    static void stop() {
        instances.forEach(ServiceProcess::kill);
        if (nats != null) {
            nats.close();
        }
        if (database != null) {
            TestDatabases.drop(database);
        }
    }

    @Test
    void whenTheWritingInstanceDiesTheOtherGoesOnAndNothingIsLostOrStoredTwice() throws Exception {
        String user = Long.toString(System.currentTimeMillis()); // an account id no other test uses
        for (int i = 0; i < 20; i++) {
            send(instances.get(i % 2), user, "before " + i);
        }
        ServiceProcess writer = writingInstance();
        ServiceProcess survivor = instances.get(0) == writer ? instances.get(1) : instances.get(0);
        assertThat(titles(survivor, user)).hasSize(20); // read-your-writes on the instance that does not write

        writer.kill();
        LOG.infof("killed the writing instance %s; the other takes over", writer.logFile().getFileName());
        for (int i = 0; i < 20; i++) {
            send(survivor, user, "after " + i);
        }
        await().atMost(WAIT).until(() -> titles(survivor, user).size() >= 40);
        assertThat(writingInstance()).isSameAs(survivor);

        writer.start(); // back, now standing by
        send(writer, user, "last");
        // the restarted instance answers once its inbox position caught up, which a REST read waits for only
        // so long (leadline.inbox.read-wait): on a loaded machine it may take longer just after its start
        for (ServiceProcess instance : instances) {
            await().atMost(WAIT).until(() -> titles(instance, user).size() >= 41);
            List<String> titles = titles(instance, user);
            assertThat(titles).hasSize(41);
            assertThat(new HashSet<>(titles)).hasSize(41);
        }
    }

    /** Posts an admin notification to the user through one instance. */
    private static void send(ServiceProcess instance, String user, String title) {
        given().baseUri(instance.baseUri().toString()).auth().oauth2(TestTokens.token("1", "admin"))
                .contentType(ContentType.JSON).body(Map.of("user_id", user, "title", title, "message", "failover"))
                .post("/api/notifications").then().statusCode(202);
    }

    /** Every title in the user's inbox, read once over REST from one instance. */
    private static List<String> titles(ServiceProcess instance, String user) {
        String body = given().baseUri(instance.baseUri().toString()).auth().oauth2(TestTokens.token(user, "provider"))
                .queryParam("size", 100).get("/api/notifications").then().statusCode(200).extract().asString();
        List<String> titles = new ArrayList<>();
        JsonCodec.tree(body.getBytes(StandardCharsets.UTF_8)).path("items")
                .forEach(item -> titles.add(item.path("title").asText()));
        return titles;
    }

    /** The instance whose writer holds the lease, found by the writer id it logged when it took it. */
    private static ServiceProcess writingInstance() throws SQLException {
        String writer;
        try (Connection connection = TestDatabases.connect(database); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT writer FROM inbox_position WHERE lease_until > now()")) {
            assertThat(rs.next()).as("a current lease").isTrue();
            writer = rs.getString(1);
        }
        Set<ServiceProcess> holders = new HashSet<>();
        for (ServiceProcess instance : instances) {
            try {
                if (Files.readString(instance.logFile()).contains("inbox writer " + writer + " reading")) {
                    holders.add(instance);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(holders).as("the instance that logged taking lease " + writer).hasSize(1);
        return holders.iterator().next();
    }
}
