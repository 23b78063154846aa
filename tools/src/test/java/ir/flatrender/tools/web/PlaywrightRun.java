package ir.flatrender.tools.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One {@code npx playwright test} in {@code web/} (issue 20): its output streamed to the test's
 * log and to a file as it comes, its exit code, and the JSON reporter's results.json.
 *
 * @param exitCode what npx exited with
 * @param log the file holding everything it printed
 * @param results the JSON reporter's report, when it wrote one
 */
record PlaywrightRun(int exitCode, Path log, Optional<JsonNode> results) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs the specs of {@code web} with the environment given (PATH and the rest inherited). */
    static PlaywrightRun run(Path web, Map<String, String> environment, Path artifacts, Duration timeout)
            throws IOException, InterruptedException {
        Path log = artifacts.resolve("playwright.log");
        ProcessBuilder builder = new ProcessBuilder("npx", "--no-install", "playwright", "test")
                .directory(web.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        Thread copier = new Thread(() -> copy(process, log), "playwright-output");
        copier.setDaemon(true);
        copier.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            copier.join(TimeUnit.SECONDS.toMillis(10));
            throw new AssertionError("npx playwright test ran past " + timeout + " and was stopped; see " + log);
        }
        copier.join(TimeUnit.SECONDS.toMillis(30));
        Path report = artifacts.resolve("results.json");
        Optional<JsonNode> results =
                Files.exists(report) ? Optional.of(JSON.readTree(report.toFile())) : Optional.empty();
        return new PlaywrightRun(process.exitValue(), log, results);
    }

    private static void copy(Process process, Path log) {
        try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println("[playwright] " + line);
                file.write(line);
                file.write('\n');
                file.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy Playwright's output to " + log, e);
        }
    }

    /** The report's counts: passed (expected), failed (unexpected), flaky and skipped. */
    long count(String stat) {
        return results.map(r -> r.path("stats").path(stat).asLong(0)).orElse(0L);
    }

    /** The specs that did not pass as expected, as {@code file › title: status}, and the run's own errors. */
    List<String> problems() {
        List<String> found = new ArrayList<>();
        results.ifPresent(report -> {
            report.path("errors").forEach(error -> found.add("error: " + message(error)));
            report.path("suites").forEach(suite -> collect(suite, found));
        });
        return found;
    }

    private static void collect(JsonNode suite, List<String> found) {
        suite.path("specs")
                .forEach(spec -> spec.path("tests").forEach(test -> {
                    String status = test.path("status").asText();
                    if (!status.equals("expected") && !status.equals("skipped")) {
                        StringBuilder line = new StringBuilder(spec.path("file").asText())
                                .append(" › ")
                                .append(spec.path("title").asText())
                                .append(": ")
                                .append(status);
                        test.path("results")
                                .forEach(result -> result.path("errors")
                                        .forEach(error -> line.append("\n    ").append(message(error))));
                        found.add(line.toString());
                    }
                }));
        suite.path("suites").forEach(child -> collect(child, found));
    }

    private static String message(JsonNode error) {
        String text = error.path("message").asText(error.toString());
        // Playwright colours its messages.
        text = text.replaceAll("\u001b\\[[0-9;]*m", "");
        return text.length() > 600 ? text.substring(0, 600) + " …" : text;
    }

    /** The last lines Playwright printed, for a failure's message. */
    String tail(int count) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
