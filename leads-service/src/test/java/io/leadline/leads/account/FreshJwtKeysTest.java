package io.leadline.leads.account;

import io.leadline.leads.support.Api;
import io.leadline.shared.security.JwtKeyBootstrap;
import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A first start on a machine without keys: {@code JwtKeyBootstrap} must create the pair before
 * smallrye-jwt reads either key, so that issuing and verifying both work from the first request.
 */
@QuarkusTest
@TestProfile(FreshJwtKeysTest.EmptyKeyDir.class)
class FreshJwtKeysTest {

    @ConfigProperty(name = "leadline.jwt.key-dir")
    Path keyDir;

    @Test
    void tokensIssuedOnAFirstStartAreAccepted() {
        assertThat(keyDir.toString()).contains("leadline-empty-jwt-");
        assertThat(keyDir.resolve(JwtKeyBootstrap.PRIVATE_KEY_FILE)).exists();
        assertThat(keyDir.resolve(JwtKeyBootstrap.PUBLIC_KEY_FILE)).exists();

        var user = Api.register("provider");
        given().auth().oauth2(user.token()).get("/api/auth/me")
                .then().statusCode(200).body("username", equalTo(user.username()));
        given().auth().oauth2(Api.adminToken()).get("/api/leads").then().statusCode(200);
    }

    public static class EmptyKeyDir implements QuarkusTestProfile {

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EmptyKeyDirResources.class, Map.of("database", "leads")));
        }
    }

    /** The usual real database and NATS server, but a key directory that is empty at start. */
    public static class EmptyKeyDirResources extends LeadlineTestResources {

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            try {
                config.put("leadline.jwt.key-dir", Files.createTempDirectory("leadline-empty-jwt-").toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return config;
        }
    }
}
