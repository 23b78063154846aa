package ir.flatrender.gateway.identity;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.http.Problem;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds the Argon2id work the gateway does at once. Each hash or check holds 19 MiB for its
 * duration, so unbounded concurrent logins run the heap out (40 at once did at 768 MiB). A
 * check waits at most {@link Limits#maxWait()} for its turn; past that the caller gets 503 with
 * {@code Retry-After}.
 */
public final class PasswordChecks {
    /**
     * @param concurrent hashes and checks at once (each 19 MiB)
     * @param maxWait how long one waits for its turn before 503
     */
    public record Limits(int concurrent, Duration maxWait) {
        /**
         * Four at once: 76 MiB of Argon2id memory at most, and fewer than the five attempts of a
         * lockout, so right passwords sent at once never lock an account.
         */
        public static final Limits DEFAULT = new Limits(4, Duration.ofSeconds(2));

        public Limits {
            requireNonNull(maxWait, "maxWait is null");
            if (concurrent < 1) {
                throw new IllegalArgumentException("concurrent must be at least 1 but was " + concurrent);
            }
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative");
            }
        }
    }

    private final Limits limits;
    private final Semaphore turns;

    public PasswordChecks(Limits limits) {
        this.limits = requireNonNull(limits, "limits is null");
        this.turns = new Semaphore(limits.concurrent(), true);
    }

    /** Runs {@code work} (a hash or a check) in its turn; 503 when none comes in time. */
    public <T> T run(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = turns.tryAcquire(limits.maxWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.busy("the gateway is stopping", 1);
        }
        if (!acquired) {
            throw Problem.busy("too many sign-ins at once; try again in a moment", 1);
        }
        try {
            return work.get();
        } finally {
            turns.release();
        }
    }

    public String hash(String password) {
        return run(() -> Passwords.hash(password));
    }

    public boolean matches(String password, String hash) {
        return run(() -> Passwords.matches(password, hash));
    }

    public void burn(String password) {
        run(() -> {
            Passwords.burn(password);
            return null;
        });
    }
}
