package ir.flatrender.node.work;

import static java.util.Objects.requireNonNull;

import ir.flatrender.node.engines.EngineException;
import ir.flatrender.node.engines.FailureKind;
import ir.flatrender.node.templates.TemplateCache;
import java.io.IOException;

/** The first stage: the assignment's template package, from the cache or fetched into it. */
public final class TemplateStage {
    private final TemplateCache cache;

    public TemplateStage(TemplateCache cache) {
        this.cache = requireNonNull(cache, "cache is null");
    }

    /** The unpacked package, held (never evicted) until the lease is closed. */
    public TemplateCache.Lease fetch(Assignment assignment) throws EngineException, InterruptedException {
        try {
            return cache.get(assignment.template());
        } catch (IOException e) {
            throw new EngineException(
                    FailureKind.TEMPLATE_FETCH, "could not get the template package: " + e.getMessage());
        }
    }
}
