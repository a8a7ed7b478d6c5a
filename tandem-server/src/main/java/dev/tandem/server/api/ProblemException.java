package dev.tandem.server.api;

import dev.tandem.server.http.Problem;

/**
 * Thrown by an admin API handler (or the helpers it uses: {@link ApiQuery}, {@link AdminApi#body}) to answer with
 * a problem instead of its normal response; {@link AdminApi} sends it.
 */
public final class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** 400: a parameter or body is wrong; {@code detail} names it and says what is expected. */
    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "bad_request", "Bad request", detail));
    }

    /** 404: the named thing does not exist. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "not_found", "Not found", detail));
    }

    /** 409: the request conflicts with the current state. */
    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(409, "conflict", "Conflict", detail));
    }
}
