package ir.flatrender.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import ir.flatrender.gateway.http.Problem;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error as {@code application/problem+json}: the routes' problems, Javalin's own (404, 413,
 * others), and any other exception as a 500 that names the request id to look for in the log.
 */
final class ProblemAnswers {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    static final String PROBLEM_JSON = "application/problem+json";

    private final long maxBodyBytes;
    private final ObjectMapper json;

    ProblemAnswers(long maxBodyBytes, ObjectMapper json) {
        this.maxBodyBytes = maxBodyBytes;
        this.json = requireNonNull(json, "json is null");
    }

    void register(RoutesConfig routes) {
        routes.exception(Problem.class, (e, ctx) -> answer(ctx, e));
        routes.exception(
                HttpResponseException.class,
                (e, ctx) -> answer(
                        ctx,
                        switch (e.getStatus()) {
                            case 404 -> Problem.notFound(ctx.method() + " " + ctx.path());
                            case 413 ->
                                Problem.of(
                                        413,
                                        "body-too-large",
                                        "Request body too large",
                                        "at most " + maxBodyBytes + " bytes are taken");
                            default ->
                                Problem.of(
                                        e.getStatus(),
                                        "http-" + e.getStatus(),
                                        e.getMessage() == null ? "Error" : e.getMessage(),
                                        e.getMessage());
                        }));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            answer(
                    ctx,
                    Problem.of(
                            500,
                            "internal",
                            "Internal error",
                            "the gateway failed; the request id says where in its log"));
        });
        routes.error(404, "*", ctx -> {
            if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
                answer(ctx, Problem.notFound(ctx.method() + " " + ctx.path()));
            }
        });
    }

    void answer(Context ctx, Problem problem) {
        ObjectNode body = json.createObjectNode();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        if (problem.getMessage() != null) {
            body.put("detail", problem.getMessage());
        }
        body.put("instance", ctx.path());
        String requestId = ctx.attribute("flatrender.requestId");
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        if (!problem.errors().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            problem.errors()
                    .forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        problem.headers().forEach(ctx::header);
        ctx.status(problem.status())
                .contentType(PROBLEM_JSON)
                .result(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
