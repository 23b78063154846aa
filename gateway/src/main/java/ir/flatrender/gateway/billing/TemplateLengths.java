package ir.flatrender.gateway.billing;

import java.util.Optional;

/**
 * What a quote needs of the farm: a template's length in seconds, empty when the farm has no
 * such template. The farm's own failures arrive as {@link ir.flatrender.gateway.http.Problem}s.
 */
@FunctionalInterface
public interface TemplateLengths {
    Optional<Double> seconds(String templateId);
}
