package ir.flatrender.orchestrator.assembly;

import static java.util.Objects.requireNonNull;

import ir.flatrender.media.ffmpeg.Ffprobe;
import ir.flatrender.media.ffmpeg.MediaException;
import ir.flatrender.media.ffmpeg.MediaInfo;
import ir.flatrender.orchestrator.jobs.JobRow;
import ir.flatrender.orchestrator.storage.BlobStore;
import ir.flatrender.orchestrator.templates.AudioTrackSpec;
import ir.flatrender.orchestrator.templates.InstalledTemplate;
import ir.flatrender.orchestrator.templates.TemplateCatalog;
import ir.flatrender.orchestrator.templates.TemplatePackage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/** Puts a job's audio tracks on local disk for ffmpeg: package files, data URIs, rendered audio. */
final class AudioSources {
    private static final Pattern DATA_URI = Pattern.compile("data:audio/[a-z0-9.+-]+;base64,(.*)", Pattern.DOTALL);

    /** A track as a file, with how loud and when, and its channel count (1 is mono). */
    record Track(Path file, double volume, double startSeconds, int channels) {}

    private final BlobStore blobs;
    private final TemplateCatalog templates;
    private final Ffprobe ffprobe;

    AudioSources(BlobStore blobs, TemplateCatalog templates, Ffprobe ffprobe) {
        this.blobs = requireNonNull(blobs, "blobs is null");
        this.templates = requireNonNull(templates, "templates is null");
        this.ffprobe = requireNonNull(ffprobe, "ffprobe is null");
    }

    /**
     * @param rendered the audio an engine rendered for the whole video, if any (mixed at full volume)
     */
    List<Track> resolve(JobRow job, List<String> rendered, Path directory) throws IOException, MediaException {
        List<Track> tracks = new ArrayList<>();
        Path pkg = null;
        int n = 0;
        for (AudioTrackSpec spec : job.audio()) {
            Path file = directory.resolve("audio-" + n++);
            Matcher data = DATA_URI.matcher(spec.source());
            if (data.matches()) {
                Files.write(file, Base64.getDecoder().decode(data.group(1).strip()));
            } else {
                if (pkg == null) {
                    pkg = fullPackage(job, directory);
                }
                extract(pkg, TemplatePackage.checkName(spec.source()), file);
            }
            tracks.add(new Track(file, spec.volume(), spec.startSeconds(), channels(file, spec.role())));
        }
        for (String key : rendered) {
            Path file = directory.resolve("audio-" + n++ + ".wav");
            try (InputStream in = blobs.open(key, 0)) {
                Files.copy(in, file);
            }
            tracks.add(new Track(file, 1.0, 0, channels(file, "rendered")));
        }
        return tracks;
    }

    /** Probes a track: it must hold sound, and its channels decide how it becomes stereo. */
    private int channels(Path file, String role) throws IOException, MediaException {
        MediaInfo.AudioStream sound = ffprobe.probe(file, false)
                .audio()
                .orElseThrow(() -> new IOException("the " + role + " track holds no sound"));
        return sound.channels();
    }

    /** The job's full template package as a local zip: the blob itself, or a copy beside the work. */
    private Path fullPackage(JobRow job, Path directory) throws IOException {
        InstalledTemplate template = templates.find(job.templateId(), job.templateVersion());
        String key = TemplateCatalog.packageKey(template.packageSha256());
        Optional<Path> local = blobs.localPath(key);
        if (local.isPresent()) {
            return local.get();
        }
        Path copy = directory.resolve("package.zip");
        try (InputStream in = blobs.open(key, 0)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    /** Streams one file of the package out, without reading the rest. */
    private static void extract(Path zip, String name, Path file) throws IOException {
        try (ZipFile archive = ZipFile.builder().setPath(zip).get()) {
            ZipArchiveEntry entry = archive.getEntry(name);
            if (entry == null || entry.isDirectory()) {
                throw new IOException("the template package has no file " + name);
            }
            try (InputStream in = archive.getInputStream(entry)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
