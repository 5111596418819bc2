package io.leadline.shared.web;

import jakarta.ws.rs.core.Response;

import java.util.List;

/** Thrown by resources and services to answer with a problem detail; nothing partial is committed. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Response.Status status, String detail) {
        this(Problem.of(status, detail));
    }

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
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
}
