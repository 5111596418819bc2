package io.leadline.testing.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A RestAssured filter that holds every call to a service's served OpenAPI document: the operation must
 * be in it; the response's status must be documented (a 2xx by its own code, a failure by its code or
 * {@code default}) and its body must match the schema of its media type; a request the service accepted
 * (2xx) must match the document's parameters and request body. A request the service refused may break
 * the document on purpose: that is what a 400 test sends. {@link #assertEveryOperationExercised()} fails
 * while an operation of the document was never called, so a new endpoint comes with its contract test.
 */
public final class OpenApiContract implements Filter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenApiDocument document;
    private final Map<String, Set<Integer>> exercised = new ConcurrentHashMap<>();

    private OpenApiContract(OpenApiDocument document) {
        this.document = document;
    }

    /** The contract of the service whose management interface is at {@code managementRoot}. */
    public static OpenApiContract served(URI managementRoot) {
        return new OpenApiContract(OpenApiDocument.served(managementRoot));
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification expected,
            FilterContext context) {
        Response response = context.next(request, expected);
        URI uri = URI.create(request.getURI());
        String method = request.getMethod();
        OpenApiDocument.Operation operation = document.find(method, uri.getRawPath())
                .orElseThrow(() -> new AssertionError(
                        method + " " + uri.getRawPath() + " is not in the served OpenAPI document"));
        exercised.computeIfAbsent(operation.key(), key -> ConcurrentHashMap.newKeySet()).add(response.statusCode());
        List<String> violations = new ArrayList<>();
        if (response.statusCode() / 100 == 2) {
            checkParameters(operation, request, uri, violations);
            checkRequestBody(operation, request, violations);
        }
        checkResponse(operation, response, violations);
        if (!violations.isEmpty()) {
            throw new AssertionError(operation.key() + " answered " + response.statusCode() + " "
                    + abbreviated(response.asString()) + "\nagainst the served OpenAPI document:\n  "
                    + String.join("\n  ", violations));
        }
        return response;
    }

    /** Calls made while the contract holds them: a test's own, and those of the support code it uses. */
    @FunctionalInterface
    public interface Calls {
        void make() throws Exception;
    }

    /**
     * Makes {@code calls} with this contract as a global RestAssured filter (so the calls of support code
     * that builds its own requests are held to the document too), then puts the filters back as they were.
     */
    public void holdDuring(Calls calls) throws Exception {
        List<Filter> before = new ArrayList<>(RestAssured.filters());
        RestAssured.filters(this);
        try {
            calls.make();
        } finally {
            RestAssured.replaceFiltersWith(before);
        }
    }

    /** Fails naming every operation of the document that no call reached. */
    public void assertEveryOperationExercised() {
        Set<String> missing = new TreeSet<>();
        for (OpenApiDocument.Operation operation : document.operations()) {
            if (!exercised.containsKey(operation.key())) {
                missing.add(operation.key());
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("operations of the served OpenAPI document never called: " + missing);
        }
    }

    /** Fails unless {@code method template} was answered {@code status} at least once. */
    public void assertAnswered(String method, String template, int status) {
        Set<Integer> statuses = exercised.getOrDefault(method + " " + template, Set.of());
        if (!statuses.contains(status)) {
            throw new AssertionError(method + " " + template + " was never answered " + status + ", only " + statuses);
        }
    }

    /** The operations and the statuses they were answered with, for a failure message. */
    public Map<String, Set<Integer>> exercised() {
        return Map.copyOf(exercised);
    }

    private void checkParameters(OpenApiDocument.Operation operation, FilterableRequestSpecification request, URI uri,
            List<String> violations) {
        Map<String, String> query = queryValues(uri);
        Map<String, String> path = OpenApiDocument.pathValues(operation, uri.getRawPath());
        for (JsonNode declared : operation.parameters()) {
            JsonNode parameter = document.resolve(declared);
            String name = parameter.path("name").asText();
            String in = parameter.path("in").asText();
            String value = switch (in) {
                case "query" -> query.get(name);
                case "path" -> path.get(name);
                case "header" -> request.getHeaders().getValue(name);
                default -> null;
            };
            if (value == null) {
                if (parameter.path("required").asBoolean(false)) {
                    violations.add(in + " parameter " + name + " is required but was not sent");
                }
                continue;
            }
            JsonNode schema = parameter.get("schema");
            if (schema != null) {
                for (String violation : document.violations(schema, typed(schema, value))) {
                    violations.add(in + " parameter " + name + "=" + value + ": " + violation);
                }
            }
        }
        for (String name : query.keySet()) {
            boolean declared = operation.parameters().stream().map(document::resolve)
                    .anyMatch(parameter -> "query".equals(parameter.path("in").asText())
                            && name.equals(parameter.path("name").asText()));
            if (!declared) {
                violations.add("query parameter " + name + " is not in the document");
            }
        }
    }

    private void checkRequestBody(OpenApiDocument.Operation operation, FilterableRequestSpecification request,
            List<String> violations) {
        JsonNode documented = document.resolve(operation.node().get("requestBody"));
        Object body = request.getBody();
        boolean sent = body != null || !request.getFormParams().isEmpty();
        if (documented == null) {
            if (sent) {
                violations.add("a request body was sent; the document has none");
            }
            return;
        }
        if (!sent) {
            if (documented.path("required").asBoolean(false)) {
                violations.add("the request body is required but none was sent");
            }
            return;
        }
        String mediaType = mediaType(request.getContentType());
        JsonNode content = mediaTypeEntry(documented.path("content"), mediaType);
        if (content == null) {
            violations.add("request media type " + mediaType + " is not in the document: "
                    + fieldNames(documented.path("content")));
            return;
        }
        JsonNode value = mediaType.equals("application/x-www-form-urlencoded")
                ? formObject(request, content.path("schema")) : json(body);
        if (content.has("schema") && value != null) {
            for (String violation : document.violations(content.get("schema"), value)) {
                violations.add("request body: " + violation);
            }
        }
    }

    private void checkResponse(OpenApiDocument.Operation operation, Response response, List<String> violations) {
        String status = Integer.toString(response.statusCode());
        JsonNode responses = operation.node().path("responses");
        JsonNode documented = responses.get(status);
        if (documented == null && response.statusCode() >= 400) {
            documented = responses.get("default");
        }
        if (documented == null) {
            violations.add("status " + status + " is not documented: " + fieldNames(responses));
            return;
        }
        documented = document.resolve(documented);
        byte[] body = response.asByteArray();
        JsonNode content = documented.path("content");
        if (body.length == 0) {
            if (content.isObject() && content.size() > 0 && response.statusCode() != 204) {
                violations.add("the documented body (" + fieldNames(content) + ") is missing");
            }
            return;
        }
        String mediaType = mediaType(response.contentType());
        JsonNode entry = mediaTypeEntry(content, mediaType);
        if (entry == null) {
            violations.add("response media type " + mediaType + " is not documented for " + status + ": "
                    + fieldNames(content));
            return;
        }
        if (entry.has("schema") && mediaType.endsWith("json")) {
            JsonNode value = json(response.asString());
            for (String violation : document.violations(entry.get("schema"), value)) {
                violations.add("response body: " + violation);
            }
        }
    }

    /** The documented media type that names {@code mediaType}, or a wildcard that takes it. */
    private static JsonNode mediaTypeEntry(JsonNode content, String mediaType) {
        if (content.has(mediaType)) {
            return content.get(mediaType);
        }
        String type = mediaType.contains("/") ? mediaType.substring(0, mediaType.indexOf('/')) : mediaType;
        if (content.has(type + "/*")) {
            return content.get(type + "/*");
        }
        return content.get("*/*");
    }

    /** A parameter's text as the JSON value its schema describes: {@code 42} for an integer, {@code true} a boolean. */
    private static JsonNode typed(JsonNode schema, String value) {
        JsonNode types = schema.path("type");
        String type = types.isArray() ? types.path(0).asText() : types.asText();
        try {
            switch (type) {
                case "integer", "number" -> {
                    return JsonNodeFactory.instance.numberNode(new BigDecimal(value));
                }
                case "boolean" -> {
                    if (value.equals("true") || value.equals("false")) {
                        return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
                    }
                }
                default -> {
                }
            }
        } catch (NumberFormatException notANumber) {
            // checked as the text it is, which the schema refuses
        }
        return JsonNodeFactory.instance.textNode(value);
    }

    private static Map<String, String> queryValues(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return values;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    /** Form fields as an object; a field the schema declares an array is one value of it (style form, exploded). */
    private JsonNode formObject(FilterableRequestSpecification request, JsonNode schema) {
        JsonNode properties = document.resolve(schema).path("properties");
        ObjectNode form = JsonNodeFactory.instance.objectNode();
        request.getFormParams().forEach((name, value) -> {
            if ("array".equals(properties.path(name).path("type").asText())) {
                form.putArray(name).add(value);
            } else {
                form.put(name, value);
            }
        });
        return form;
    }

    private static JsonNode json(Object body) {
        try {
            if (body instanceof String text) {
                return JSON.readTree(text);
            }
            if (body instanceof byte[] bytes) {
                return JSON.readTree(bytes);
            }
            return JSON.valueToTree(body);
        } catch (IOException e) {
            return JsonNodeFactory.instance.textNode(String.valueOf(body)); // not JSON: the schema decides
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "";
        }
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip().toLowerCase(Locale.ROOT);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String abbreviated(String body) {
        return body.length() > 600 ? body.substring(0, 600) + "…" : body;
    }
}
