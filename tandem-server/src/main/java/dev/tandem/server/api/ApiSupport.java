package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.ops.DeadLetterException;
import dev.tandem.server.http.Problem;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * What the admin API's handlers share: JSON in and out, query parameters read strictly (a bad value is a 400 problem
 * naming the parameter, never a 500), opaque cursors, and the mapping of operators' failures to problems.
 */
final class ApiSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private ApiSupport() {
    }

    static ProblemException badRequest(String detail) {
        return ProblemException.badRequest(detail);
    }

    static ProblemException notFound(String detail) {
        return ProblemException.notFound(detail);
    }

    /** Runs the handler, rendering the failures an operator can cause as problems. */
    static Handler guarded(Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (ProblemException e) {
                e.problem().withInstance(ctx.path()).send(ctx);
            } catch (DeadLetterException e) {
                Problem p = switch (e.kind()) {
                    case NOT_FOUND -> Problem.of(404, "not_found", "Not found", e.getMessage());
                    case CONFLICT -> Problem.of(409, "conflict", "Conflict with the current state", e.getMessage());
                    case INVALID -> Problem.of(422, "invalid_request", "The request cannot be carried out", e.getMessage());
                };
                p.withInstance(ctx.path()).send(ctx);
            } catch (IllegalArgumentException e) {
                Problem.of(400, "bad_request", "Bad request", e.getMessage()).withInstance(ctx.path()).send(ctx);
            }
        };
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    static void json(Context ctx, JsonNode body) {
        json(ctx, 200, body);
    }

    /** The request body as a JSON object ({@code {}} when empty); a body that is not one is a 400. */
    static ObjectNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ProblemException(Problem.of(413, "payload_too_large", "Payload too large",
                    "the body is " + bytes.length + " bytes; at most " + MAX_BODY_BYTES));
        }
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw badRequest("the body must be a JSON object");
            }
            return (ObjectNode) n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw badRequest("the body could not be read: " + e.getMessage());
        }
    }

    static String text(ObjectNode body, String member) {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw badRequest("\"" + member + "\" must be a string");
        }
        return n.asText();
    }

    static boolean bool(ObjectNode body, String member, boolean otherwise) {
        JsonNode n = body.get(member);
        if (n == null || n.isNull()) {
            return otherwise;
        }
        if (!n.isBoolean()) {
            throw badRequest("\"" + member + "\" must be true or false");
        }
        return n.asBoolean();
    }

    static boolean boolParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "true", "1", "" -> true;
            case "false", "0" -> false;
            default -> throw badRequest("query parameter " + name + " must be true or false, got '" + clip(v) + "'");
        };
    }

    static int limit(Context ctx, int max) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return Math.min(DEFAULT_LIMIT, max);
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw badRequest("query parameter limit must be a whole number from 1 to " + max + ", got '" + clip(v) + "'");
    }

    static long longPath(Context ctx, String name) {
        String v = ctx.pathParam(name);
        try {
            long n = Long.parseLong(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw notFound("'" + clip(v) + "' is not a " + name);
    }

    /** Repeated or comma-separated values of a parameter, each through {@code parse} (its failure names the value). */
    static <T> Set<T> multi(Context ctx, String name, Function<String, T> parse) {
        Set<T> out = new LinkedHashSet<>();
        for (String raw : ctx.queryParams(name)) {
            if (raw.chars().anyMatch(Character::isISOControl)) {
                throw badRequest("query parameter " + name + " must not contain control characters");
            }
            for (String v : raw.split(",")) {
                String t = v.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (t.length() > 200) {
                    throw badRequest("a value of " + name + " is longer than 200 characters");
                }
                try {
                    out.add(parse.apply(t));
                } catch (RuntimeException e) {
                    throw badRequest("query parameter " + name + " has an unknown value '" + clip(t) + "'");
                }
            }
        }
        return out;
    }

    static Instant instant(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw badRequest("query parameter " + name + " must be an ISO-8601 instant such as 2026-12-01T10:00:00Z, got '"
                    + clip(v) + "'");
        }
    }

    /** An opaque cursor holding a position (an id or an offset). */
    static String cursor(long position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("p:" + position).getBytes(StandardCharsets.UTF_8));
    }

    static long cursor(Context ctx) {
        String v = ctx.queryParam("cursor");
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(v.trim()), StandardCharsets.UTF_8);
            if (s.startsWith("p:")) {
                long n = Long.parseLong(s.substring(2));
                if (n >= 0) {
                    return n;
                }
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw badRequest("query parameter cursor is not a cursor this API gave out");
    }

    static String clip(String v) {
        String s = v.length() > 60 ? v.substring(0, 60) + "…" : v;
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    static String time(Instant i) {
        return i == null ? null : i.toString();
    }
}
