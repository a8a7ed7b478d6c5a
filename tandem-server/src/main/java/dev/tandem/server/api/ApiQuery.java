package dev.tandem.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Query parameters of the admin API, read the same way by every endpoint: cursor paging ({@code ?limit=&cursor=})
 * and filters. A bad value is answered 400 naming the parameter ({@link ProblemException}), never passed on: the
 * handlers below get bounded, typed values, and the stores bind them as SQL parameters.
 */
public final class ApiQuery {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    /** Longer filter values are refused: no legitimate id, name or key is this long. */
    public static final int MAX_VALUE_LENGTH = 200;
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    private static final String CURSOR_VERSION = "c1:";

    private ApiQuery() {
    }

    /**
     * The page asked for.
     *
     * @param limit    1..{@link #MAX_LIMIT} items
     * @param position where the previous page ended (decoded from the cursor), empty for the first page
     */
    public record PageRequest(int limit, Optional<String> position) {

        /** The position as a number (e.g. the last id seen), {@code whenFirst} on the first page. */
        public long positionAsLong(long whenFirst) {
            if (position.isEmpty()) {
                return whenFirst;
            }
            if (!DIGITS.matcher(position.get()).matches()) {
                throw ProblemException.badRequest("cursor is not one this endpoint issued");
            }
            return Long.parseLong(position.get());
        }
    }

    /**
     * One page of a list: {@code {"items": [...], "nextCursor": "..."}}, {@code nextCursor} absent on the last page.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page<T>(List<T> items, String nextCursor) {

        public Page {
            items = List.copyOf(items);
        }

        /**
         * The page of {@code rows}, fetched with {@code limit + 1} so a further page is known without counting:
         * the extra row is dropped and the cursor points after the last kept one.
         */
        public static <T> Page<T> of(List<T> rows, int limit, java.util.function.Function<T, String> position) {
            if (rows.size() <= limit) {
                return new Page<>(rows, null);
            }
            List<T> kept = rows.subList(0, limit);
            return new Page<>(kept, cursor(position.apply(kept.get(limit - 1))));
        }
    }

    /** {@code ?limit=&cursor=}: limit 1..500 (default 50); the cursor as {@link #cursor} made it. */
    public static PageRequest page(Context ctx) {
        String limitText = ctx.queryParam("limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            if (!DIGITS.matcher(limitText).matches() || Long.parseLong(limitText) < 1
                    || Long.parseLong(limitText) > MAX_LIMIT) {
                throw ProblemException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
            }
            limit = Integer.parseInt(limitText);
        }
        String cursor = ctx.queryParam("cursor");
        if (cursor == null || cursor.isEmpty()) {
            return new PageRequest(limit, Optional.empty());
        }
        return new PageRequest(limit, Optional.of(decode(cursor)));
    }

    /** An opaque cursor for {@code position}: base64url, so clients pass it back and do not build it. */
    public static String cursor(String position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_VERSION + position).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        String text;
        try {
            if (cursor.length() > MAX_VALUE_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor is not one this endpoint issued (pass back nextCursor as is)");
        }
        if (!text.startsWith(CURSOR_VERSION)) {
            throw ProblemException.badRequest("cursor is not one this endpoint issued (pass back nextCursor as is)");
        }
        return text.substring(CURSOR_VERSION.length());
    }

    /**
     * A free-text filter ({@code ?actor=ci}): at most {@link #MAX_VALUE_LENGTH} characters, no control characters
     * (a {@code %00} among them); empty when absent.
     */
    public static Optional<String> text(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw ProblemException.badRequest(name + " is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.badRequest(name + " contains control characters");
        }
        return Optional.of(value);
    }

    /** A filter that takes one of {@code allowed} (case-insensitive; returned in lower case). */
    public static Optional<String> oneOf(Context ctx, String name, Set<String> allowed) {
        Optional<String> value = text(ctx, name).map(v -> v.toLowerCase(Locale.ROOT));
        if (value.isPresent() && !allowed.contains(value.get())) {
            throw ProblemException.badRequest(name + " must be one of " + allowed.stream().sorted().toList());
        }
        return value;
    }

    /** A whole-number filter ({@code ?offset=12}). */
    public static Optional<Long> number(Context ctx, String name) {
        Optional<String> value = text(ctx, name);
        if (value.isPresent() && !DIGITS.matcher(value.get()).matches()) {
            throw ProblemException.badRequest(name + " must be a whole number");
        }
        return value.map(Long::parseLong);
    }

    /** An instant filter in ISO-8601 ({@code ?since=2026-12-01T00:00:00Z}). */
    public static Optional<Instant> instant(Context ctx, String name) {
        Optional<String> value = text(ctx, name);
        try {
            return value.map(Instant::parse);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + " must be an instant like 2026-12-01T00:00:00Z");
        }
    }

    /** A path parameter that must be a whole number ({@code /tokens/{id}}). */
    public static long idParam(Context ctx, String name) {
        String value = ctx.pathParam(name);
        if (!DIGITS.matcher(value).matches()) {
            throw ProblemException.badRequest(name + " must be a whole number");
        }
        return Long.parseLong(value);
    }
}
