package ir.flatrender.node.engines;

import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.process.ProcessSupervisor;
import ir.flatrender.node.engines.aftereffects.AfterEffectsEngine;
import ir.flatrender.node.engines.remotion.RemotionEngine;
import ir.flatrender.node.engines.timeline.TimelineFonts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the engines that really work on this machine at start-up: the timeline engine
 * always; Remotion when Node.js, the runner with its packages and a Chromium are present;
 * After Effects when an aerender is configured and answers. A node offers only those.
 */
public final class EngineDetection {
    private static final Logger log = LoggerFactory.getLogger(EngineDetection.class);

    /** The capability a 3D template needs: a Chromium that draws WebGL. */
    public static final String WEBGL = "webgl";

    private EngineDetection() {}

    public static List<Engine> detect(
            EngineSettings settings,
            TimelineFonts fonts,
            ProcessSupervisor supervisor,
            ObjectMapper json,
            Path workDirectory) {
        List<Engine> engines = new ArrayList<>();
        engines.add(new TimelineEngine(fonts));
        if (settings.remotionRunner().isPresent()) {
            Optional<String> problem = RemotionEngine.check(settings);
            if (problem.isEmpty()) {
                Set<String> capabilities = Set.of();
                try {
                    RemotionEngine.WebGl webGl = RemotionEngine.probeWebGl(settings, supervisor, workDirectory);
                    if (webGl.available()) {
                        capabilities = Set.of(WEBGL);
                        log.info("Remotion: WebGL through {}", webGl.description());
                    } else {
                        log.warn(
                                "Remotion offers no WebGL ({}); no 3D template is assigned to this node{}",
                                webGl.description(),
                                settings.gl().map(gl -> " (gl " + gl + ")").orElse(""));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    log.warn("Remotion offers no WebGL: interrupted while probing it");
                }
                engines.add(new RemotionEngine(settings, supervisor, json, workDirectory, capabilities));
            } else {
                log.warn("Remotion is not offered: {}", problem.get());
            }
        }
        if (settings.aerender().isPresent()) {
            try {
                int version =
                        AfterEffectsEngine.majorVersion(settings.aerender().get(), supervisor, workDirectory);
                engines.add(new AfterEffectsEngine(settings, supervisor, workDirectory, version));
                log.info("After Effects: aerender version {}", version);
            } catch (EngineException e) {
                log.warn("After Effects is not offered: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("After Effects is not offered: interrupted while asking aerender its version");
            }
        }
        log.info("engines found: {}", engines.stream().map(Engine::name).toList());
        return engines;
    }
}
