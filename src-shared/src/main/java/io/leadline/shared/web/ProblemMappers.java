package io.leadline.shared.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.leadline.shared.database.DatabaseUnavailable;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Turns every failure of a REST call into {@code application/problem+json}. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String DATABASE_RETRY_AFTER_SECONDS = "2";
    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE =
            new PropertyNamingStrategies.SnakeCaseStrategy();

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        if (e.headers().isEmpty()) {
            return e.problem().toResponse();
        }
        Response.ResponseBuilder response = Response.fromResponse(e.problem().toResponse());
        e.headers().forEach(response::header);
        return response.build();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(err -> err.field() + ": " + err.message())
                .collect(Collectors.joining("; "));
        return Problem.of(400, "Bad Request", detail, errors).toResponse();
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        return Problem.of(400, "Bad Request", "malformed JSON: " + e.getOriginalMessage(), null).toResponse();
    }

    @ServerExceptionMapper
    public Response mismatched(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        if (field.isEmpty()) {
            return Problem.of(400, "Bad Request", "malformed JSON: " + e.getOriginalMessage(), null).toResponse();
        }
        String message = "has the wrong type or format";
        return Problem.of(400, "Bad Request", field + ": " + message,
                List.of(new Problem.FieldError(field, message))).toResponse();
    }

    /** Quarkus maps this subtype itself (plain JSON, no problem detail) unless a mapper names it exactly. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return mismatched(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping) {
            return mismatched(mapping);
        }
        if (e instanceof InputCoercionException coercion && coercion.getProcessor() != null) {
            // a number too large for its field: the parser still knows which field it was reading
            JsonParser parser = coercion.getProcessor();
            String field = parser.getParsingContext() == null ? null : parser.getParsingContext().getCurrentName();
            if (field != null) {
                String message = "is out of range";
                return Problem.of(400, "Bad Request", field + ": " + message,
                        List.of(new Problem.FieldError(field, message))).toResponse();
            }
        }
        return Problem.of(400, "Bad Request", "malformed JSON: " + e.getOriginalMessage(), null).toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json); // the JSON reader wraps some parse failures
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        String detail = e.getMessage() == null || e.getMessage().startsWith("HTTP ")
                ? status.getReasonPhrase() : e.getMessage();
        return Problem.of(status, detail).toResponse();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized() {
        return Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED, "a valid bearer token is required")
                .toResponse()).header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(Response.Status.FORBIDDEN, "not allowed for this account").toResponse();
    }

    /**
     * PostgreSQL unreachable surfaces under many exception types (Netty's, the reactive client's, Hibernate's
     * wrappers), so it is told apart here rather than by a mapper per type. The outage is expected and
     * reported by readiness: one line per request, no stack trace, and the client retries.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (DatabaseUnavailable.isCause(e)) {
            LOG.warnf("database unavailable, answered 503: %s", DatabaseUnavailable.rootMessage(e));
            return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                    "the database is unavailable; try again shortly").toResponse())
                    .header("Retry-After", DATABASE_RETRY_AFTER_SECONDS).build();
        }
        LOG.error("unexpected failure", e);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "unexpected server error").toResponse();
    }

    /** {@code service_areas[0].zip} for a nested body field, the parameter's name for a query or path parameter. */
    private static String fieldName(ConstraintViolation<?> violation) {
        StringBuilder properties = new StringBuilder();
        String parameter = null;
        for (Path.Node node : violation.getPropertyPath()) {
            switch (node.getKind()) {
                case PARAMETER -> parameter = node.getName();
                case PROPERTY -> {
                    if (node.getIndex() != null && properties.length() > 0) {
                        properties.append('[').append(node.getIndex()).append(']');
                    }
                    if (properties.length() > 0) {
                        properties.append('.');
                    }
                    properties.append(SNAKE.translate(node.getName()));
                }
                default -> {
                }
            }
        }
        if (properties.length() > 0) {
            return properties.toString();
        }
        return parameter == null ? "body" : SNAKE.translate(parameter);
    }
}
