package dev.tandem.sandbox.clarity.auth;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * ServiceStack's {@code AuthenticateResponse} (spec §4, §8). Its names are ServiceStack's own ({@code UserId},
 * {@code SessionId}), not CEF's {@code ...ID} convention, hence the pinned names.
 */
public record AuthenticateResponse(
        @JsonProperty("UserId") String userId,
        @JsonProperty("SessionId") String sessionId,
        @JsonProperty("UserName") String userName,
        @JsonProperty("DisplayName") String displayName) {
}
