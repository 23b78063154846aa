package ir.flatrender.gateway.http;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * A token bucket a client (an address, an API key): {@code perMinute} requests a minute on
 * average, bursts up to the same. Buckets idle for ten minutes are forgotten, so the map
 * stays bounded by the clients seen lately.
 */
public final class RateLimiter {
    private final int perMinute;
    private final Cache<String, Bucket> buckets;

    public RateLimiter(int perMinute) {
        this.perMinute = perMinute;
        this.buckets = CacheBuilder.newBuilder()
                .expireAfterAccess(Duration.ofMinutes(10))
                .maximumSize(1_000_000)
                .build();
    }

    private final class Bucket {
        private double tokens = perMinute;
        private long refilledAt = System.nanoTime();

        synchronized long take() {
            long now = System.nanoTime();
            tokens = Math.min(perMinute, tokens + (now - refilledAt) / 60e9 * perMinute);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 60.0 / perMinute);
        }
    }

    /** Takes one request of {@code client}'s; a 429 problem when it has none left. */
    public void acquire(String client, String what) {
        long wait;
        try {
            wait = buckets.get(client, Bucket::new).take();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        if (wait > 0) {
            throw Problem.tooMany("more than " + perMinute + " requests a minute from " + what, wait);
        }
    }
}
