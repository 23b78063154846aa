package ir.flatrender.node.engines.aftereffects;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A stand-in for After Effects' {@code aerender}, since AE cannot run here. It takes the same
 * flags, reads compositions from the "project" (a text file: {@code comp NAME WxH} lines),
 * applies the generated bindings script's {@code flatrender.text/color} calls, writes real PNG
 * frames to the {@code -output} pattern, and prints aerender's PROGRESS lines. The text binding
 * {@code mode} makes it misbehave: {@code crash} (dies after two frames), {@code hang} (stops
 * after one frame), {@code error} (logs an aerender ERROR and exits 0), {@code truncate} (cuts
 * its last frame short), {@code slow} (600 ms per frame), {@code crawl} (1.5 s per frame), {@code faulty} (crashes like
 * {@code crash} while a file {@code fault} exists beside the installed script: a machine fault
 * that an operator can fix). Depends on the JDK only.
 */
public final class FakeAerender {
    private static final Pattern TEXT =
            Pattern.compile("^flatrender\\.text\\(\"((?:[^\"\\\\]|\\\\.)*)\", \"((?:[^\"\\\\]|\\\\.)*)\"\\);$");
    private static final Pattern COLOR = Pattern.compile(
            "^flatrender\\.color\\(\"((?:[^\"\\\\]|\\\\.)*)\", \\[([0-9.]+), ([0-9.]+), ([0-9.]+)]\\);$");

    private FakeAerender() {}

    /** Writes an {@code aerender} script that runs this class with the JVM running the tests. */
    public static Path install(Path directory) throws IOException {
        Path script = directory.resolve("aerender");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath;
        try {
            classpath = Path.of(FakeAerender.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        Files.writeString(
                script,
                "#!/bin/sh\nexec \"" + java + "\" -Djava.awt.headless=true -Xmx256m -Dfake.aerender.home=\""
                        + directory.toAbsolutePath() + "\" -cp \"" + classpath + "\" "
                        + FakeAerender.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-version")) {
                System.out.println("aerender version 24.6x9 (FlatRender test double)");
                return;
            }
            if (args[i].startsWith("-") && i + 1 < args.length) {
                flags.put(args[i], args[++i]);
            }
        }
        for (String required : List.of("-project", "-comp", "-s", "-e", "-output", "-r")) {
            if (!flags.containsKey(required)) {
                System.out.println("aerender ERROR: missing " + required);
                System.exit(2);
            }
        }
        int[] size = null;
        for (String line : Files.readAllLines(Path.of(flags.get("-project")))) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 3 && parts[0].equals("comp") && parts[1].equals(flags.get("-comp"))) {
                String[] wh = parts[2].split("x");
                size = new int[] {Integer.parseInt(wh[0]), Integer.parseInt(wh[1])};
            }
        }
        if (size == null) {
            System.out.println("aerender ERROR: No comp was found with the given name: " + flags.get("-comp"));
            System.exit(4);
        }
        Map<String, String> texts = new HashMap<>();
        Map<String, Color> colors = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(flags.get("-r")), StandardCharsets.UTF_8)) {
            Matcher text = TEXT.matcher(line.strip());
            if (text.matches()) {
                texts.put(unescape(text.group(1)), unescape(text.group(2)));
            }
            Matcher color = COLOR.matcher(line.strip());
            if (color.matches()) {
                colors.put(
                        unescape(color.group(1)),
                        new Color(
                                Float.parseFloat(color.group(2)),
                                Float.parseFloat(color.group(3)),
                                Float.parseFloat(color.group(4))));
            }
        }
        String mode = texts.getOrDefault("mode", "ok");
        int start = Integer.parseInt(flags.get("-s"));
        int end = Integer.parseInt(flags.get("-e"));
        Path last = null;
        for (int frame = start; frame <= end; frame++) {
            boolean crashes = mode.equals("crash")
                    || (mode.equals("faulty")
                            && Files.exists(Path.of(System.getProperty("fake.aerender.home", "."), "fault")));
            if (crashes && frame == start + 2) {
                System.out.println(
                        "After Effects error: internal verification failure, sorry! {crash at frame " + frame + "}");
                System.out.flush();
                Runtime.getRuntime().halt(134);
            }
            if (mode.equals("hang") && frame == start + 1) {
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            if (mode.equals("slow")) {
                Thread.sleep(600);
            }
            if (mode.equals("crawl")) {
                Thread.sleep(1500);
            }
            last = Path.of(flags.get("-output").replace("[#####]", String.format("%05d", frame)));
            ImageIO.write(
                    draw(size[0], size[1], frame, texts.getOrDefault("title", ""), colors.get("accent")),
                    "png",
                    last.toFile());
            System.out.printf("PROGRESS:  0:00:%02d:%02d (%d): 0 Seconds%n", frame / 30, frame % 30, frame - start + 1);
        }
        if (mode.equals("truncate") && last != null) {
            try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
                file.setLength(file.length() / 2);
            }
        }
        if (mode.equals("error")) {
            System.out.println("aerender ERROR: Unable to render: a font is missing (Vazirmatn)");
        }
        System.out.println("PROGRESS:  Total Time Elapsed: 1 Seconds");
    }

    /** A frame that depends on the frame number and on the bindings, drawn without fonts. */
    static BufferedImage draw(int width, int height, int frame, String title, Color accent) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(accent == null ? new Color(0x30, 0x30, 0x60) : accent);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(title.hashCode() & 0xffffff));
        g.fillRect(width / 4, height / 3, width / 2, height / 3);
        g.setColor(Color.WHITE);
        g.fillRect(0, height - height / 20, (int) ((long) width * (frame + 1) / 300), height / 20);
        g.dispose();
        return image;
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
