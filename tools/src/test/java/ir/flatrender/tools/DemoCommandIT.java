package ir.flatrender.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ir.flatrender.media.ffmpeg.MediaInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flatrender demo} as a user runs it, checked with ffprobe. */
class DemoCommandIT {
    @TempDir
    Path out;

    private record Run(int exitCode, List<String> lines, String errors) {}

    private Run demo(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[extra.length + 1];
        args[0] = "demo";
        System.arraycopy(extra, 0, args, 1, extra.length);
        int code = FlatRender.run(new PrintWriter(out), new PrintWriter(err), false, args);
        return new Run(code, out.toString().lines().toList(), err.toString());
    }

    @Test
    void rendersTheSampleAt1080pOnTwoNodes() throws Exception {
        Run run = demo("--out", out.toString());
        assertThat(run.exitCode()).as(run.errors()).isZero();
        Path video = output(run);
        assertThat(video).isAbsolute().exists();
        try (VideoFrames frames = new VideoFrames()) {
            MediaInfo info = frames.probe(video);
            MediaInfo.VideoStream stream = info.video().orElseThrow();
            assertThat(stream.codec()).isEqualTo("h264");
            assertThat(stream.width()).isEqualTo(1920);
            assertThat(stream.height()).isEqualTo(1080);
            assertThat(stream.frameCount()).isEqualTo(300);
            assertThat(info.durationMillis()).isEqualTo(10_000);
        }
        // Each node rendered chunks, fetched the template once and found it in its cache after.
        for (String node : List.of("node-1", "node-2")) {
            Pattern summary =
                    Pattern.compile("\\s+" + node + "\\s+([1-9]\\d*) chunks, +\\d+ frames; cache (\\d+) hit\\(s\\), "
                            + "1 miss\\(es\\) \\(\\d+% hits\\), [0-9.]+ (B|KiB|MiB) fetched");
            assertThat(run.lines()).anySatisfy(line -> {
                Matcher matcher = summary.matcher(line);
                assertThat(matcher.matches()).as(line).isTrue();
                assertThat(Integer.parseInt(matcher.group(2))).isEqualTo(Integer.parseInt(matcher.group(1)) - 1);
            });
        }
        // A plan bought through the payment broker and the emulator, credited by its webhook.
        assertThat(run.lines())
                .anySatisfy(line -> assertThat(line)
                        .matches("payment: the pro plan bought through the payment broker and the ZarinPal emulator,"
                                + " ref [0-9]+; wallet credited 4,900,000 Rial"));
        // Not on a terminal: plain progress lines, no carriage returns or escape codes.
        assertThat(run.lines())
                .anySatisfy(line -> assertThat(line).contains("frames").contains("fps"));
        assertThat(String.join("\n", run.lines())).doesNotContain("\r").doesNotContain("\u001b");
    }

    @Test
    void theVerticalVariantAt720pIs720x1280() throws Exception {
        Run run = demo("--out", out.toString(), "--aspect", "9:16", "--tier", "720p");
        assertThat(run.exitCode()).as(run.errors()).isZero();
        try (VideoFrames frames = new VideoFrames()) {
            MediaInfo.VideoStream stream = frames.probe(output(run)).video().orElseThrow();
            assertThat(stream.width()).isEqualTo(720);
            assertThat(stream.height()).isEqualTo(1280);
            assertThat(stream.frameCount()).isEqualTo(300);
        }
    }

    @Test
    void aBadTierIsRefusedWithItsName() {
        Run run = demo("--out", out.toString(), "--tier", "4k");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.REJECTED);
        assertThat(run.errors()).contains("tier: unknown tier '4k'");
        assertThat(out).isEmptyDirectory();
    }

    private static Path output(Run run) {
        String last = run.lines().get(run.lines().size() - 1);
        assertThat(last).startsWith("output: ");
        Path video = Path.of(last.substring("output: ".length()));
        assertThat(Files.isRegularFile(video)).isTrue();
        return video;
    }
}
