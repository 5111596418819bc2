package io.leadline.leads.account;

import io.leadline.leads.support.Api;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersByRoleReply;
import io.leadline.shared.rpc.UsersByRoleRequest;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** notify-service asks over NATS for every account of a role (admin notifications to a role). */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class UsersByRoleTest {

    /** A round trip through NATS and the database; generous for a loaded machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void listsEveryAccountOfTheRoleAndNoOther() throws Exception {
        var providerA = Api.register("provider");
        var providerB = Api.register("provider");
        var manager = Api.register("property_manager");
        var customer = Api.register("customer");

        List<String> providers = ask("{\"role\":\"provider\"}");
        assertThat(providers).contains(id(providerA), id(providerB))
                .doesNotContain(id(manager), id(customer))
                .doesNotHaveDuplicates();
        assertThat(ask(JsonCodec.encodeToString(new UsersByRoleRequest("property_manager"))))
                .contains(id(manager)).doesNotContain(id(providerA), id(customer));
        assertThat(ask("{\"role\":\"customer\"}")).contains(id(customer)).doesNotContain(id(providerA), id(manager));
    }

    @Test
    void theConfiguredAdminIsListedUnderAdmin() throws Exception {
        String adminToken = Api.adminToken();
        String adminId = io.restassured.RestAssured.given().auth().oauth2(adminToken).get("/api/auth/me")
                .then().statusCode(200).extract().jsonPath().getString("id");
        assertThat(ConfigProvider.getConfig().getValue("leadline.admin.username", String.class)).isNotBlank();
        assertThat(ask("{\"role\":\"admin\"}")).containsExactly(adminId);
    }

    @Test
    void aMalformedRequestOrAnUnknownRoleGetsAnEmptyList() throws Exception {
        Api.register("provider");
        for (String request : List.of("{not json", "", "[]", "\"provider\"", "{}", "{\"role\":null}",
                "{\"role\":42}", "{\"role\":[\"provider\"]}", "{\"role\":\"superuser\"}", "{\"role\":\"PROVIDER\"}")) {
            assertThat(ask(request)).as("answer to %s", request).isEmpty();
        }
    }

    @Test
    void manyConcurrentRequestsAreAllAnswered() throws Exception {
        var provider = Api.register("provider");
        try (Connection nats = LeadlineTestResources.nats().connect(NatsIdentity.NOTIFY)) {
            var replies = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Message>>();
            for (int i = 0; i < 40; i++) {
                replies.add(nats.requestWithTimeout(LeadsSubjects.USERS_BY_ROLE,
                        "{\"role\":\"provider\"}".getBytes(StandardCharsets.UTF_8), TIMEOUT));
            }
            for (var reply : replies) {
                Message message = reply.get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                assertThat(JsonCodec.decode(message.getData(), UsersByRoleReply.class).userIds()).contains(id(provider));
            }
        }
    }

    private static String id(Api.User user) {
        return Long.toString(user.id());
    }

    private static List<String> ask(String request) throws Exception {
        try (Connection nats = LeadlineTestResources.nats().connect(NatsIdentity.NOTIFY)) {
            Message reply = nats.request(LeadsSubjects.USERS_BY_ROLE, request.getBytes(StandardCharsets.UTF_8), TIMEOUT);
            assertThat(reply).as("a reply to %s", request).isNotNull();
            assertThat(reply.isStatusMessage()).as("a status instead of a reply to %s", request).isFalse();
            assertThat(reply.getData()).as("the body of the reply to %s", request).isNotEmpty();
            UsersByRoleReply answer = JsonCodec.decode(reply.getData(), UsersByRoleReply.class);
            assertThat(answer.userIds()).isNotNull();
            return answer.userIds();
        }
    }
}
