package io.leadline.notify.dashboard;

import io.leadline.testing.LeadlineTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards are served with headers that keep them talking only to the platform: the
 * Content-Security-Policy's connect-src lists this origin, its WebSocket and the configured (here: the
 * local default) leads- and payments-service, and nothing else; no framing, no sniffing, no referrer,
 * and no day-long immutable caching of pages that carry fixes.
 */
@QuarkusTest
@QuarkusTestResource(value = LeadlineTestResources.class, initArgs = @ResourceArg(name = "database", value = "notify"))
class DashboardHeadersTest {

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource(value = "/", management = true)
    URI management;

    @Test
    void everyDashboardPageAndScriptCarriesThePolicyAndIsRevalidated() {
        for (String path : List.of("/", "/index.html", "/escrow.html", "/admin.html", "/js/app.js", "/css/app.css",
                "/favicon.svg", "/sdk/leadline.js", "/config.json")) {
            Response page = get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            Map<String, String> policy = directives(page.header("Content-Security-Policy"));
            assertThat(policy.get("connect-src").split(" ")).as(path + " connect-src")
                    .containsExactlyInAnyOrder("'self'", "ws://localhost:" + base.getPort(), "http://localhost:8081",
                            "http://localhost:8082");
            assertThat(policy).as(path).containsEntry("frame-ancestors", "'none'").containsEntry("script-src", "'self'")
                    .containsEntry("style-src", "'self'").containsEntry("object-src", "'none'")
                    .containsEntry("base-uri", "'none'").containsEntry("default-src", "'self'");
            assertThat(page.header("Content-Security-Policy")).as(path).doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(page.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(page.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(page.header("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(page.header("Cache-Control")).as(path).isEqualTo("no-cache");
        }
    }

    @Test
    void thePagesLearnTheOtherServicesFromConfigJsonOnly() {
        Response config = get("/config.json");
        assertThat(config.contentType()).startsWith("application/json");
        assertThat(config.jsonPath().getString("leads_url")).isEqualTo("http://localhost:8081");
        assertThat(config.jsonPath().getString("payments_url")).isEqualTo("http://localhost:8082");
        String app = get("/js/app.js").asString();
        assertThat(app).contains("config.json").doesNotContain("localStorage.setItem('leadline.")
                .doesNotContain("params.get('leads')").doesNotContain("params.get('notify')");
    }

    @Test
    void thePagesNeedNoInlineScriptOrStyle() {
        for (String path : List.of("/index.html", "/escrow.html", "/admin.html")) {
            String html = get(path).asString();
            assertThat(html).as(path).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                    .doesNotContain("style=").doesNotContainPattern("\\son[a-z]+=");
        }
    }

    @Test
    void everyPageHasAnIconThePolicyAllows() {
        Response icon = get("/favicon.svg");
        assertThat(icon.contentType()).startsWith("image/svg+xml");
        assertThat(icon.asString()).startsWith("<svg").doesNotContain("<script");
        assertThat(directives(icon.header("Content-Security-Policy"))).containsEntry("img-src", "'self' data:");
        for (String path : List.of("/index.html", "/escrow.html", "/admin.html")) {
            assertThat(get(path).asString()).as(path).contains("<link rel=\"icon\" href=\"favicon.svg\" type=\"image/svg+xml\">");
        }
    }

    @Test
    void managementEndpointsAndTheApiKeepTheirOwnCaching() {
        Response health = given().baseUri(management.resolve("/").toString()).when().get("/q/health/live").then().extract().response();
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.header("Content-Security-Policy")).isNull();
        Response api = given().baseUri(base.toString()).when().get("/api/notifications").then().extract().response();
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(api.header("Cache-Control")).isNotEqualTo("no-cache");
    }

    @Test
    void configuredServiceUrlsMustBeOrigins() {
        assertThat(DashboardOrigins.origin("p", "https://Leads.Example.com/")).isEqualTo("https://leads.example.com");
        assertThat(DashboardOrigins.origin("p", "http://10.0.0.5:8081")).isEqualTo("http://10.0.0.5:8081");
        for (String bad : List.of("javascript:alert(1)", "leads.example.com", "https://leads.example.com/api",
                "https://user@leads.example.com", "ftp://leads.example.com", "https://x.example.com?a=b")) {
            try {
                DashboardOrigins.origin("leadline.dashboard.leads-url", bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).contains("leadline.dashboard.leads-url");
            }
        }
    }

    private Response get(String path) {
        return given().baseUri(base.toString()).when().get(path).then().extract().response();
    }

    private static Map<String, String> directives(String policy) {
        assertThat(policy).isNotNull();
        return Arrays.stream(policy.split(";")).map(String::trim).filter(part -> !part.isEmpty())
                .collect(Collectors.toMap(part -> part.split(" ", 2)[0], part -> part.contains(" ") ? part.split(" ", 2)[1] : ""));
    }
}
