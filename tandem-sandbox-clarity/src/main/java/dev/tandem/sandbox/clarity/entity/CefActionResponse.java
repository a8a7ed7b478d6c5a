package dev.tandem.sandbox.clarity.entity;

import java.util.List;

/**
 * {@code CEFActionResponse} and {@code CEFActionResponse<T>} (spec §2): writes answer with the record ID in
 * {@code Result}; PATCH/DELETE answer without one (null, so omitted).
 */
public record CefActionResponse(boolean actionSucceeded, List<String> messages, Object result) {

    public static CefActionResponse succeeded(Object result) {
        return new CefActionResponse(true, List.of(), result);
    }

    public static CefActionResponse succeeded() {
        return new CefActionResponse(true, List.of(), null);
    }

    public static CefActionResponse failed(String message) {
        return new CefActionResponse(false, List.of(message), null);
    }
}
