package io.leadline.testing.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the contract tests rely on: a body under other names than the document's, or off its schema, is a violation. */
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiDocument DOCUMENT = OpenApiDocument.of("""
            {"openapi": "3.1.0",
             "paths": {
               "/api/leads/{id}": {"get": {"responses": {"200": {"content": {"application/json":
                   {"schema": {"$ref": "#/components/schemas/LeadView"}}}}}}},
               "/api/leads/unread": {"get": {"responses": {}}}},
             "components": {"schemas": {
               "LeadView": {"type": "object", "required": ["contact_name"], "properties": {
                 "contact_name": {"type": "string"},
                 "urgency": {"type": "string", "enum": ["low", "high"]},
                 "zip": {"type": "string", "pattern": "^(?:\\\\d{5})$"},
                 "contact": {"$ref": "#/components/schemas/Contact"}}},
               "Contact": {"type": "object", "properties": {"email": {"type": "string"}}}}}}
            """);

    @Test
    void theWireNamesOfTheDocumentPass() {
        assertThat(violations("{\"contact_name\": \"Jo\", \"urgency\": \"low\", \"zip\": \"94110\", "
                + "\"contact\": {\"email\": \"jo@example.com\"}}")).isEmpty();
    }

    @Test
    void anotherNameForAFieldIsAViolationEvenWhereNothingIsRequired() {
        assertThat(violations("{\"contactName\": \"Jo\"}")).isNotEmpty();
        assertThat(violations("{\"contact_name\": \"Jo\", \"contact\": {\"eMail\": \"jo@example.com\"}}")).isNotEmpty();
    }

    @Test
    void valuesOffTheSchemaAreViolations() {
        assertThat(violations("{\"contact_name\": \"Jo\", \"urgency\": \"whenever\"}")).isNotEmpty();
        assertThat(violations("{\"contact_name\": \"Jo\", \"zip\": \"941100\"}")).isNotEmpty();
        assertThat(violations("{\"contact_name\": 7}")).isNotEmpty();
    }

    @Test
    void aLiteralSegmentWinsOverAParameter() {
        assertThat(DOCUMENT.find("GET", "/api/leads/unread")).map(OpenApiDocument.Operation::template)
                .contains("/api/leads/unread");
        var byId = DOCUMENT.find("GET", "/api/leads/42").orElseThrow();
        assertThat(byId.template()).isEqualTo("/api/leads/{id}");
        assertThat(OpenApiDocument.pathValues(byId, "/api/leads/42")).containsEntry("id", "42");
        assertThat(DOCUMENT.find("POST", "/api/leads/42")).isEmpty();
    }

    private static java.util.List<String> violations(String body) {
        try {
            JsonNode schema = DOCUMENT.operations().stream().filter(o -> o.template().equals("/api/leads/{id}"))
                    .findFirst().orElseThrow().node().at("/responses/200/content/application~1json/schema");
            return DOCUMENT.violations(schema, JSON.readTree(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
