package io.leadline.shared.web;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes each service's OpenAPI document say what the wire carries, where the scanner alone cannot
 * ({@code mp.openapi.filter}; property names are snake_case through
 * {@code mp.openapi.extensions.smallrye.property-naming-strategy}):
 * <ul>
 * <li>every failure is {@code application/problem+json} ({@link ProblemMappers}): error responses without a
 * body get the {@code Problem} schema, an operation that reads a body or query and header parameters
 * documents its 400, and {@code default} covers the other statuses an operation can answer;</li>
 * <li>a Bean Validation {@code @Pattern} matches the whole value, a JSON Schema {@code pattern} anywhere in
 * it: a list of words ({@code low|medium|high}) becomes an {@code enum}, any other pattern is anchored.
 * The {@code \S} the scanner writes for {@code @NotBlank} is meant unanchored and stays.</li>
 * </ul>
 * An operation that documents its own {@code default} (the Pusher HTTP API answers {@code {"error": ...}})
 * keeps it, and its other failures take the same shape.
 */
public class WireDocumentFilter implements OASFilter {

    static final String PROBLEM = "Problem";
    static final String FIELD_ERROR = "FieldError";
    private static final String NOT_BLANK = "\\S";
    private static final Pattern WORDS = Pattern.compile("(\\(\\?i\\))?[A-Za-z0-9_]+(\\|[A-Za-z0-9_]+)+");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(FIELD_ERROR, fieldErrorSchema()).addSchema(PROBLEM, problemSchema());
        Set<Schema> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        nullSafe(openAPI.getComponents().getSchemas()).values().forEach(schema -> matchWholeValues(schema, seen));
        if (openAPI.getPaths() == null) {
            return;
        }
        for (PathItem path : nullSafe(openAPI.getPaths().getPathItems()).values()) {
            nullSafe(path.getParameters()).forEach(parameter -> matchWholeValues(parameter.getSchema(), seen));
            for (Operation operation : nullSafe(path.getOperations()).values()) {
                nullSafe(operation.getParameters()).forEach(parameter -> matchWholeValues(parameter.getSchema(), seen));
                List<Schema> bodies = new ArrayList<>();
                if (operation.getRequestBody() != null) {
                    bodies.addAll(contentSchemas(operation.getRequestBody().getContent()));
                }
                if (operation.getResponses() != null) {
                    nullSafe(operation.getResponses().getAPIResponses()).values()
                            .forEach(response -> bodies.addAll(contentSchemas(response.getContent())));
                }
                bodies.forEach(schema -> matchWholeValues(schema, seen));
                documentProblems(operation);
            }
        }
    }

    private static void documentProblems(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean problems = responses.getDefaultValue() == null;
        if (problems) {
            responses.setDefaultValue(OASFactory.createAPIResponse().description("A problem detail (RFC 9457)")
                    .content(problemContent()));
        }
        boolean readsInput = operation.getRequestBody() != null || nullSafe(operation.getParameters()).stream()
                .anyMatch(parameter -> parameter.getIn() != Parameter.In.PATH);
        if (readsInput && !responses.hasAPIResponse("400")) {
            // documented here, or the scanner adds one without a body after this filter
            responses.addAPIResponse("400", OASFactory.createAPIResponse().description(
                    problems ? "Bad Request: errors names each invalid field or parameter" : "Bad Request"));
        }
        Content failureContent = responses.getDefaultValue().getContent();
        for (Map.Entry<String, APIResponse> entry : nullSafe(responses.getAPIResponses()).entrySet()) {
            APIResponse response = entry.getValue();
            boolean failure = entry.getKey().startsWith("4") || entry.getKey().startsWith("5");
            if (failure && response.getRef() == null
                    && (response.getContent() == null || nullSafe(response.getContent().getMediaTypes()).isEmpty())) {
                response.setContent(failureContent);
            }
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM)));
    }

    /** Bean Validation's {@code @Pattern} is a whole match; in JSON Schema a pattern matches anywhere. */
    private static void matchWholeValues(Schema schema, Set<Schema> seen) {
        if (schema == null || !seen.add(schema)) {
            return;
        }
        String pattern = schema.getPattern();
        if (pattern != null && !pattern.equals(NOT_BLANK)) {
            if (WORDS.matcher(pattern).matches()) {
                boolean anyCase = pattern.startsWith("(?i)");
                List<Object> words = new ArrayList<>();
                for (String word : pattern.replace("(?i)", "").split("\\|")) {
                    words.add(anyCase ? word.toUpperCase(Locale.ROOT) : word);
                }
                schema.setPattern(null);
                schema.setEnumeration(words);
                if (anyCase) {
                    schema.setDescription(join(schema.getDescription(), "Also accepted in lower case."));
                }
            } else if (!pattern.startsWith("^")) {
                schema.setPattern("^(?:" + pattern + ")$");
            }
        }
        nullSafe(schema.getProperties()).values().forEach(property -> matchWholeValues(property, seen));
        matchWholeValues(schema.getItems(), seen);
        matchWholeValues(schema.getAdditionalPropertiesSchema(), seen);
        nullSafe(schema.getAllOf()).forEach(part -> matchWholeValues(part, seen));
        nullSafe(schema.getAnyOf()).forEach(part -> matchWholeValues(part, seen));
        nullSafe(schema.getOneOf()).forEach(part -> matchWholeValues(part, seen));
    }

    private static List<Schema> contentSchemas(Content content) {
        if (content == null) {
            return List.of();
        }
        List<Schema> schemas = new ArrayList<>();
        for (MediaType media : nullSafe(content.getMediaTypes()).values()) {
            if (media.getSchema() != null) {
                schemas.add(media.getSchema());
            }
        }
        return schemas;
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem detail; errors names each invalid field or parameter, "
                        + "snake_case as in the request")
                .required(List.of("type", "title", "status"))
                .addProperty("type", string().description("about:blank"))
                .addProperty("title", string().description("the status's reason phrase"))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32"))
                .addProperty("detail", string())
                .addProperty("instance", string())
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(OASFactory.createSchema().ref(FIELD_ERROR)));
    }

    private static Schema fieldErrorSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .required(List.of("field", "message"))
                .addProperty("field", string().description("service_areas[0].zip for a body field, the name of a "
                        + "query parameter or header"))
                .addProperty("message", string());
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    }

    private static String join(String description, String more) {
        return description == null || description.isBlank() ? more : description + " " + more;
    }

    private static <K, V> Map<K, V> nullSafe(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
