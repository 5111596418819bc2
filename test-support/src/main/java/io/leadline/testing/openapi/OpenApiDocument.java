package io.leadline.testing.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAPI 3.1 document as a service serves it: its operations, found by method and concrete path, and
 * its schemas, checked with a JSON Schema validator in the OpenAPI 3.1 dialect. Objects are read as closed
 * (a property the document does not name is a violation), so a field the wire carries under another name
 * than the document's cannot pass.
 */
public final class OpenApiDocument {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFINITIONS_IRI = "https://leadline.test/schemas.json";
    private static final String COMPONENT_SCHEMAS = "#/components/schemas/";
    private static final String INLINE_IRI = "https://leadline.test/inline/";
    private static final String[] METHODS = {"get", "put", "post", "delete", "patch", "head", "options"};

    private final JsonNode document;
    private final List<Operation> operations;
    private final SchemaRegistry schemas;
    private final AtomicInteger inlineSchemas = new AtomicInteger();

    /** One operation: {@code POST /api/leads/{id}/claim}, its path as a pattern, its parameters and answers. */
    public record Operation(String method, String template, Pattern path, List<String> pathNames, JsonNode node,
            List<JsonNode> parameters) {

        public String key() {
            return method + " " + template;
        }
    }

    private OpenApiDocument(JsonNode served) {
        this.document = served;
        // the components' schemas as one schema resource of $defs, which every $ref then points into
        ObjectNode definitions = JSON.createObjectNode();
        definitions.set("$defs", absoluteRefs(closeObjects(served.path("components").path("schemas").deepCopy())));
        String text = definitions.toString();
        this.schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
                builder -> builder.schemas(Map.of(DEFINITIONS_IRI, text)));
        this.operations = readOperations(served);
    }

    /** {@code GET /q/openapi?format=json} from a management interface such as {@code http://localhost:9081/}. */
    public static OpenApiDocument served(URI managementRoot) {
        URI uri = managementRoot.resolve("/q/openapi?format=json");
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode());
            }
            return new OpenApiDocument(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static OpenApiDocument of(String json) {
        try {
            return new OpenApiDocument(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The operation a request reaches; a literal segment wins ({@code /unread-count} over {@code /{id}}). */
    public Optional<Operation> find(String method, String path) {
        return operations.stream()
                .filter(operation -> operation.method().equalsIgnoreCase(method))
                .filter(operation -> operation.path().matcher(path).matches())
                .min(Comparator.comparingInt(operation -> operation.pathNames().size()));
    }

    /** The values of the path parameters of {@code operation} in {@code path}, by name. */
    public static Map<String, String> pathValues(Operation operation, String path) {
        Matcher matcher = operation.path().matcher(path);
        if (!matcher.matches()) {
            return Map.of();
        }
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < operation.pathNames().size(); i++) {
            values.put(operation.pathNames().get(i), java.net.URLDecoder.decode(matcher.group(i + 1),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        return values;
    }

    /** Follows a {@code $ref} to a component ({@code #/components/responses/...}); anything else as it is. */
    public JsonNode resolve(JsonNode node) {
        JsonNode ref = node == null ? null : node.get("$ref");
        return ref != null && ref.asText().startsWith("#") ? document.at(ref.asText().substring(1)) : node;
    }

    /** Checks {@code value} against a schema of this document (inline or a {@code $ref}): the violations, or none. */
    public List<String> violations(JsonNode schema, JsonNode value) {
        ObjectNode located = (ObjectNode) closeObjects(absoluteRefs(schema.deepCopy()));
        SchemaLocation location = SchemaLocation.of(INLINE_IRI + inlineSchemas.incrementAndGet() + ".json");
        var validator = schemas.getSchema(location, located);
        List<String> found = new ArrayList<>();
        for (Error error : validator.validate(value)) {
            found.add(error.toString());
        }
        return found;
    }

    private static List<Operation> readOperations(JsonNode served) {
        List<Operation> found = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = served.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            List<String> names = new ArrayList<>();
            StringBuilder regex = new StringBuilder();
            Matcher parameter = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            int last = 0;
            while (parameter.find()) {
                regex.append(Pattern.quote(path.getKey().substring(last, parameter.start()))).append("([^/]+)");
                names.add(parameter.group(1));
                last = parameter.end();
            }
            regex.append(Pattern.quote(path.getKey().substring(last)));
            for (String method : METHODS) {
                JsonNode operation = path.getValue().get(method);
                if (operation == null) {
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                operation.path("parameters").forEach(parameters::add);
                found.add(new Operation(method.toUpperCase(java.util.Locale.ROOT), path.getKey(),
                        Pattern.compile(regex.toString()), List.copyOf(names), operation, List.copyOf(parameters)));
            }
        }
        return List.copyOf(found);
    }

    /** {@code #/components/schemas/X} as {@code X} of the definitions resource. */
    private static JsonNode absoluteRefs(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(COMPONENT_SCHEMAS)) {
                object.put("$ref", DEFINITIONS_IRI + "#/$defs/" + ref.asText().substring(COMPONENT_SCHEMAS.length()));
            }
            object.forEach(OpenApiDocument::absoluteRefs);
        } else if (node.isArray()) {
            node.forEach(OpenApiDocument::absoluteRefs);
        }
        return node;
    }

    /** Every object schema that lists its properties and says nothing of others takes no others. */
    private static JsonNode closeObjects(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            if (object.path("properties").isObject() && !object.has("additionalProperties")
                    && !object.has("unevaluatedProperties")) {
                object.put("additionalProperties", false);
            }
            object.forEach(OpenApiDocument::closeObjects);
        } else if (node.isArray()) {
            node.forEach(OpenApiDocument::closeObjects);
        }
        return node;
    }
}
