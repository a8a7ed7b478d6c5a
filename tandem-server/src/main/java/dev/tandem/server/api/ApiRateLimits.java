package dev.tandem.server.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The admin API's rate limits: one resilience4j {@link AtomicRateLimiter} (its default limiter, used by type for its wait estimate) per token and one per remote address (ADR 17),
 * asked without waiting. Limiters of keys unused for ten periods are forgotten, so many addresses cannot grow the
 * map without bound.
 */
final class ApiRateLimits {

    private final RateLimiterConfig perToken;
    private final RateLimiterConfig perAddress;
    private final Cache<String, AtomicRateLimiter> limiters;

    ApiRateLimits(ApiSettings settings) {
        this.perToken = config(settings.perToken(), settings.period());
        this.perAddress = config(settings.perAddress(), settings.period());
        this.limiters = Caffeine.newBuilder()
                .expireAfterAccess(settings.period().multipliedBy(10).plusMinutes(1))
                .maximumSize(100_000)
                .build();
    }

    private static RateLimiterConfig config(int limit, Duration period) {
        return RateLimiterConfig.custom()
                .limitForPeriod(limit)
                .limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO)
                .build();
    }

    /** Empty when a request of this token may go on; else the seconds to wait (for {@code Retry-After}). */
    OptionalLong token(long tokenId) {
        return acquire("token:" + tokenId, perToken);
    }

    /** Empty when a request from this address may go on; else the seconds to wait. */
    OptionalLong address(String remoteAddress) {
        return acquire("address:" + remoteAddress, perAddress);
    }

    private OptionalLong acquire(String key, RateLimiterConfig config) {
        AtomicRateLimiter limiter = limiters.get(key, k -> new AtomicRateLimiter(k, config));
        if (limiter.acquirePermission()) {
            return OptionalLong.empty();
        }
        long nanos = Math.max(limiter.getDetailedMetrics().getNanosToWait(), 0);
        return OptionalLong.of(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }
}
