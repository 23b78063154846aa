package ir.flatrender.tools.farm;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.proto.farm.v1.CatalogEntry;
import ir.flatrender.proto.farm.v1.CatalogMedia;
import ir.flatrender.proto.farm.v1.CatalogServiceGrpc;
import ir.flatrender.proto.farm.v1.ReadCatalogMediaRequest;
import ir.flatrender.proto.farm.v1.TemplateAspect;
import ir.flatrender.tools.VideoFrames;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** What the catalog's farm tests read back of an entry's media, and check of it decoded. */
final class CatalogMediaChecks {
    private CatalogMediaChecks() {}

    /** A cover's bytes and its picture. */
    record Cover(byte[] bytes, BufferedImage image) {}

    /** A medium's bytes, read back by their digest (ReadCatalogMedia). */
    static byte[] blob(Channel channel, String sha256) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CatalogServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .readCatalogMedia(
                        ReadCatalogMediaRequest.newBuilder().setSha256(sha256).build())
                .forEachRemaining(part -> bytes.writeBytes(part.getData().toByteArray()));
        return bytes.toByteArray();
    }

    /** Each aspect's cover, by aspect: as many bytes as the entry says, decoded at the aspect's size. */
    static Map<String, Cover> covers(Channel channel, CatalogEntry entry) throws Exception {
        Map<String, Cover> covers = new LinkedHashMap<>();
        for (TemplateAspect aspect : entry.getAspectsList()) {
            CatalogMedia cover = entry.getMediaList().stream()
                    .filter(m -> m.getKind().equals("cover") && m.getAspect().equals(aspect.getAspect()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no cover in " + aspect.getAspect()));
            assertThat(cover.getContentType()).isEqualTo("image/jpeg");
            byte[] bytes = blob(channel, cover.getSha256());
            assertThat(bytes).hasSize((int) cover.getSizeBytes());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(image).as("the %s cover decodes", aspect.getAspect()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(aspect.getWidth());
            assertThat(image.getHeight()).isEqualTo(aspect.getHeight());
            covers.put(aspect.getAspect(), new Cover(bytes, image));
        }
        return covers;
    }

    /** The preview, read back into {@code video}: H.264, 640x360, of the template's length as ffprobe counts it. */
    static CatalogMedia preview(Channel channel, CatalogEntry entry, Path video) throws Exception {
        CatalogMedia preview = entry.getMediaList().stream()
                .filter(m -> m.getKind().equals("preview"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no preview"));
        Files.write(video, blob(channel, preview.getSha256()));
        try (VideoFrames frames = new VideoFrames()) {
            MediaInfo.VideoStream stream = frames.probe(video).video().orElseThrow();
            assertThat(stream.codec()).isEqualTo("h264");
            assertThat(stream.width()).isEqualTo(640);
            assertThat(stream.height()).isEqualTo(360);
            assertThat(stream.frameCount()).isEqualTo(entry.getDurationFrames());
        }
        assertThat(preview.getFrameCount()).isEqualTo(entry.getDurationFrames());
        return preview;
    }
}
