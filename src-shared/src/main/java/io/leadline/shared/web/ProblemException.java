package io.leadline.shared.web;

import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Thrown by resources and services to answer with a problem detail; nothing partial is committed. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Response.Status status, String detail) {
        this(Problem.of(status, detail));
    }

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    /** A problem answered with extra response headers, for example {@code Retry-After}. */
    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST, detail);
    }

    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(Problem.of(400, "Bad Request", field + ": " + message,
                List.of(new Problem.FieldError(field, message))));
    }

    /** 422: the request is well-formed but cannot be done as asked (an unknown id, a reused key); names the field. */
    public static ProblemException unprocessableField(String field, String message) {
        return new ProblemException(Problem.of(422, "Unprocessable Content", field + ": " + message,
                List.of(new Problem.FieldError(field, message))));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Response.Status.NOT_FOUND, detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Response.Status.CONFLICT, detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(Response.Status.FORBIDDEN, detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(Response.Status.UNAUTHORIZED, detail);
    }

    public static ProblemException paymentRequired(String detail) {
        return new ProblemException(Response.Status.PAYMENT_REQUIRED, detail);
    }

    /** 429 with {@code Retry-After} in whole seconds, rounded up (at least 1). */
    public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ProblemException(Problem.of(Response.Status.TOO_MANY_REQUESTS, detail),
                Map.of("Retry-After", Long.toString(seconds)));
    }
}
