package dev.tandem.server.console;

import dev.tandem.server.http.Problem;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web console (the {@code tandem-console} module's built files, in its jar under
 * {@code tandem-console/}) at {@code /}: {@code index.html} at {@code /} and, for single-page routing, at every
 * other GET path that is not the API's, health, metrics or webhooks, names no file and is asked for as HTML; the hashed files under
 * {@code /assets/} with a year-long immutable cache (their names change with their content), {@code index.html}
 * with {@code no-cache} so a new version is seen at once.
 *
 * <p>Every console response carries a Content-Security-Policy without {@code 'unsafe-inline'} scripts (the build
 * emits none: CSP Level 3, https://www.w3.org/TR/CSP3/#directive-script-src), {@code X-Content-Type-Options: nosniff}
 * (https://fetch.spec.whatwg.org/#x-content-type-options-header), {@code Referrer-Policy: no-referrer} and
 * {@code frame-ancestors 'none'} against framing.
 */
public final class ConsoleAssets {

    /** Where the files are in the class path. */
    static final String ROOT = "tandem-console/";
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
            "frame-ancestors 'none'");
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Paths that belong to the server, never to the console's routing. */
    private static final List<String> RESERVED = List.of("/api/", "/api", "/health", "/metrics", "/webhooks/",
            "/assets/", "/_sandbox/");
    private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8", "svg", "image/svg+xml", "png", "image/png",
            "woff2", "font/woff2", "json", "application/json", "ico", "image/x-icon", "map", "application/json");

    private final ClassLoader loader;
    /** Files found, by name (only existing files are cached: the set is bounded by the build's output). */
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public ConsoleAssets() {
        this(ConsoleAssets.class.getClassLoader());
    }

    ConsoleAssets(ClassLoader loader) {
        this.loader = loader;
    }

    /** Whether the console was built into the class path. */
    public boolean present() {
        return file("index.html").isPresent();
    }

    /** Registers {@code GET /} and {@code GET /assets/{file}}. The other console paths come through {@link #fallback}. */
    public void install(JavalinConfig cfg) {
        cfg.routes.get("/", this::index);
        cfg.routes.get("/assets/{file}", this::asset);
    }

    /**
     * For a GET that matched no route: answers {@code index.html} when a browser navigates (Accept names
     * {@code text/html}) to one of the console's own routes (not reserved, no file extension in its last segment) and
     * returns true; false leaves the 404 problem as it is.
     */
    public boolean fallback(Context ctx) {
        String method = ctx.method().name();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        // A browser navigating asks for HTML; a script or probe asking for anything else keeps its 404 problem.
        String accept = ctx.header("Accept");
        if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/html")) {
            return false;
        }
        String path = ctx.path();
        if (path.length() > 2048 || RESERVED.stream().anyMatch(path::startsWith)) {
            return false;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (last.contains(".")) {
            return false;
        }
        index(ctx);
        return true;
    }

    private void index(Context ctx) {
        Optional<byte[]> html = file("index.html");
        headers(ctx);
        if (html.isEmpty()) {
            Problem.of(404, "console_not_built", "Console not built",
                    "this Tandem was built without its web console (tandem-console); the admin API is at /api/v1")
                    .withInstance(ctx.path()).send(ctx);
            return;
        }
        ctx.status(200).header("Cache-Control", "no-cache").contentType(TYPES.get("html")).result(html.get());
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("file");
        Optional<byte[]> bytes = ASSET.matcher(name).matches() ? file("assets/" + name) : Optional.empty();
        headers(ctx);
        if (bytes.isEmpty()) {
            Problem.of(404, "not_found", "Not Found", "the console has no file " + ctx.path())
                    .withInstance(ctx.path()).send(ctx);
            return;
        }
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        ctx.status(200).header("Cache-Control", IMMUTABLE)
                .contentType(TYPES.getOrDefault(ext, "application/octet-stream")).result(bytes.get());
    }

    private static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
    }

    private Optional<byte[]> file(String name) {
        byte[] cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the console's " + name, e);
        }
    }
}
