package ir.flatrender.tools.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.orchestrator.jobs.Tiers;
import ir.flatrender.tools.VideoFrames;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the browser downloaded (issue 20): the render spec leaves {@code render.json} in the
 * artifacts folder, {@code {"render": <GET /v1/renders/{id} at the end>, "file": "<absolute path
 * of the MP4>", "content_length": <the download's Content-Length, optional>}}; the file must be
 * the render the gateway describes: H.264 in MP4, its total frames, its tier's size at its aspect.
 */
final class DownloadedRender {
    static final String FILE = "render.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DownloadedRender() {}

    /** Checks the video {@code render.json} names against the render it describes and the gateway's catalog. */
    static void check(Path renderJson, String gatewayUrl) throws Exception {
        JsonNode written = JSON.readTree(renderJson.toFile());
        JsonNode render = written.path("render");
        assertThat(render.isObject())
                .as("%s holds the render as the gateway answered it: %s", renderJson, written)
                .isTrue();
        assertThat(render.path("state").asText())
                .as("the render's state in %s", renderJson)
                .isEqualTo("succeeded");
        assertThat(written.path("file").isTextual())
                .as("%s names the downloaded file", renderJson)
                .isTrue();
        Path video = Path.of(written.path("file").asText());
        assertThat(video)
                .as("the downloaded video %s names", renderJson)
                .isAbsolute()
                .isRegularFile();

        int totalFrames = render.path("progress").path("total_frames").asInt(-1);
        assertThat(totalFrames)
                .as("the render's progress.total_frames in %s", renderJson)
                .isPositive();
        String tier = render.path("tier").asText();
        String aspect = render.path("aspect").asText();
        Tiers.Size size = expectedSize(gatewayUrl, render.path("template").asText(), aspect, tier);

        try (VideoFrames frames = new VideoFrames()) {
            MediaInfo info = frames.probe(video);
            assertThat(info.formatName()).as("the container of %s", video).contains("mp4");
            MediaInfo.VideoStream stream =
                    info.video().orElseThrow(() -> new AssertionError("no video stream in " + video));
            assertThat(stream.codec()).as("the codec of %s", video).isEqualTo("h264");
            assertThat(stream.frameCount())
                    .as("frames in %s (the render's total_frames)", video)
                    .isEqualTo(totalFrames);
            assertThat(stream.width())
                    .as("width of %s (%s at %s)", video, tier, aspect)
                    .isEqualTo(size.width());
            assertThat(stream.height())
                    .as("height of %s (%s at %s)", video, tier, aspect)
                    .isEqualTo(size.height());
        }
        if (written.hasNonNull("content_length")) {
            assertThat(Files.size(video))
                    .as("the size of %s (the download's Content-Length)", video)
                    .isEqualTo(written.path("content_length").asLong());
        }
    }

    /**
     * The output size at a tier: the template's native size at that aspect, as the gateway's
     * catalog answers it, with the tier's short side (720p at 9:16 from 1080x1920 is 720x1280).
     */
    private static Tiers.Size expectedSize(String gatewayUrl, String template, String aspect, String tier)
            throws Exception {
        assertThat(Tiers.shortSide(tier)).as("the render's tier %s", tier).isPresent();
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1/catalog/templates/"
                                        + URLEncoder.encode(template, StandardCharsets.UTF_8)))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode())
                .as("the catalog's entry of %s: %s", template, answer.body())
                .isEqualTo(200);
        for (JsonNode offered : JSON.readTree(answer.body()).path("aspects")) {
            if (offered.path("aspect").asText().equals(aspect)) {
                Tiers.Size size = Tiers.outputSize(
                        offered.path("width").asInt(), offered.path("height").asInt(), tier);
                assertThat(Math.min(size.width(), size.height()))
                        .as("the short side at %s", tier)
                        .isEqualTo(Tiers.shortSide(tier).orElseThrow());
                return size;
            }
        }
        throw new AssertionError("the catalog offers " + template + " in no aspect " + aspect + ": " + answer.body());
    }
}
