package ir.flatrender.media.ffmpeg;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What ffprobe says about a media file.
 *
 * @param formatName the container, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param durationMillis the container's duration, or -1 when it has none
 * @param video the first video stream
 * @param audio the first audio stream
 */
public record MediaInfo(
        String formatName, long durationMillis, Optional<VideoStream> video, Optional<AudioStream> audio) {
    public MediaInfo {
        requireNonNull(formatName, "formatName is null");
        requireNonNull(video, "video is null");
        requireNonNull(audio, "audio is null");
    }

    /**
     * @param codec e.g. {@code h264}
     * @param frameCount frames counted by decoding when asked for, else the header's count, else -1
     * @param frameRate the average frame rate as ffprobe prints it, e.g. {@code 30/1}
     */
    public record VideoStream(
            String codec, int width, int height, String pixelFormat, int frameCount, String frameRate) {
        public VideoStream {
            requireNonNull(codec, "codec is null");
            requireNonNull(pixelFormat, "pixelFormat is null");
            requireNonNull(frameRate, "frameRate is null");
        }
    }

    /** @param durationMillis the stream's own duration, or -1 when unknown */
    public record AudioStream(String codec, int sampleRate, int channels, long durationMillis) {
        public AudioStream {
            requireNonNull(codec, "codec is null");
        }
    }
}
