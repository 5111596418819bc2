package io.leadline.leads.account;

import io.leadline.leads.support.Api;
import io.leadline.shared.json.JsonCodec;
import io.leadline.shared.rpc.LeadsSubjects;
import io.leadline.shared.rpc.UsersExistReply;
import io.leadline.shared.rpc.UsersExistRequest;
import io.leadline.shared.nats.security.NatsIdentity;
import io.leadline.testing.LeadlineTestResources;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** payments-service asks over NATS which user ids are accounts before an escrow names a seller. */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "leads"))
class UsersExistTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void answersWhichOfTheIdsAreAccounts() throws Exception {
        String provider = Long.toString(Api.register("provider").id());
        String customer = Long.toString(Api.register("customer").id());
        String unknown = "987654321987";

        assertThat(ask(JsonCodec.encodeToString(new UsersExistRequest(List.of(provider, unknown, customer)))))
                .containsExactlyInAnyOrder(provider, customer);
        assertThat(ask("{\"user_ids\":[\"" + unknown + "\"]}")).isEmpty();
        // ids that cannot be accounts are simply not found
        assertThat(ask("{\"user_ids\":[\"0\",\"-5\",\"abc\",\"" + provider + "\"]}")).containsExactly(provider);
    }

    @Test
    void aMalformedOrOversizedRequestGetsAnEmptyList() throws Exception {
        String provider = Long.toString(Api.register("provider").id());
        String tooMany = JsonCodec.encodeToString(new UsersExistRequest(IntStream.rangeClosed(0, UsersExistRequest.MAX_IDS)
                .mapToObj(i -> provider).toList()));
        for (String request : List.of("{not json", "", "[]", "{}", "{\"user_ids\":\"" + provider + "\"}",
                "{\"user_ids\":[" + provider + "]}", tooMany)) {
            assertThat(ask(request)).as("answer to %s", request).isEmpty();
        }
    }

    private static List<String> ask(String request) throws Exception {
        try (Connection nats = LeadlineTestResources.nats().connect(NatsIdentity.PAYMENTS)) { // the one service that asks
            Message reply = nats.request(LeadsSubjects.USERS_EXIST, request.getBytes(StandardCharsets.UTF_8), TIMEOUT);
            assertThat(reply).as("a reply to %s", request).isNotNull();
            assertThat(reply.isStatusMessage()).as("a status instead of a reply to %s", request).isFalse();
            assertThat(reply.getData()).as("the body of the reply to %s", request).isNotEmpty();
            UsersExistReply answer = JsonCodec.decode(reply.getData(), UsersExistReply.class);
            assertThat(answer.existingUserIds()).isNotNull();
            return answer.existingUserIds();
        }
    }
}
