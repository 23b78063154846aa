package ir.flatrender.media.images;

import static java.util.Objects.requireNonNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * What an image file is, read from its bytes and never from its name or declared type: a PNG,
 * a JPEG or an SVG, its size in pixels, and whether the farm may draw it. A raster image is
 * decoded whole (a truncated or corrupt file is refused here, not at render time), after its
 * header's size is checked, so that a small file that unpacks to a huge picture is refused
 * before anything is allocated. An SVG is parsed without DTDs or entities and refused when it
 * could run a script or load anything from outside itself.
 */
public final class ImageContent {
    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    public static final String SVG = "image/svg+xml";

    /** The longest side of a picture the farm takes. */
    public static final int MAX_SIDE = 8192;
    /** The most pixels of a raster picture the farm decodes (4096 x 4096): 64 MiB as ARGB. */
    public static final long MAX_PIXELS = 4096L * 4096L;

    private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
    private static final String XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
    private static final Set<String> FORBIDDEN_ELEMENTS =
            Set.of("script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener");
    private static final Pattern EMBEDDED_IMAGE =
            Pattern.compile("data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\\s]*", Pattern.CASE_INSENSITIVE);
    private static final Pattern CSS_URL =
            Pattern.compile("url\\(\\s*['\"]?\\s*([^'\")\\s]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern LENGTH = Pattern.compile("\\s*([0-9]*\\.?[0-9]+)\\s*(px)?\\s*");

    private ImageContent() {}

    /** A picture the farm may draw. */
    public record Inspection(String contentType, int width, int height) {
        public Inspection {
            requireNonNull(contentType, "contentType is null");
        }
    }

    /** Why a file is not a picture the farm takes, in words for the person who sent it. */
    public static final class RefusedImage extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedImage(String message) {
            super(message);
        }
    }

    /** The type the bytes are, if they are one of the three; nothing else is looked at. */
    public static Optional<String> sniff(byte[] bytes) {
        requireNonNull(bytes, "bytes is null");
        if (bytes.length >= 8
                && (bytes[0] & 0xff) == 0x89
                && bytes[1] == 'P'
                && bytes[2] == 'N'
                && bytes[3] == 'G'
                && bytes[4] == '\r'
                && bytes[5] == '\n'
                && bytes[6] == 0x1a
                && bytes[7] == '\n') {
            return Optional.of(PNG);
        }
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return Optional.of(JPEG);
        }
        String start = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8)
                .replace("\uFEFF", "")
                .stripLeading();
        if (start.startsWith("<") && start.contains("<svg")) {
            return Optional.of(SVG);
        }
        return Optional.empty();
    }

    /**
     * Reads a file as the type its bytes are.
     *
     * @throws RefusedImage when it is none of the three, does not decode, is too large in
     *     pixels, or is an SVG that scripts or reaches outside itself
     */
    public static Inspection inspect(byte[] bytes) throws RefusedImage {
        String type = sniff(bytes)
                .orElseThrow(() -> new RefusedImage("is not a PNG, JPEG or SVG image (judged by its content)"));
        return switch (type) {
            case PNG -> raster(bytes, PNG, pngSize(bytes));
            case JPEG -> raster(bytes, JPEG, jpegSize(bytes));
            default -> svg(bytes);
        };
    }

    private static int[] pngSize(byte[] bytes) throws RefusedImage {
        // The signature, then IHDR first: length 13, "IHDR", width and height (big-endian).
        if (bytes.length < 24 || bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D' || bytes[15] != 'R') {
            throw new RefusedImage("is a damaged PNG (no IHDR header)");
        }
        return new int[] {int32(bytes, 16), int32(bytes, 20)};
    }

    private static int[] jpegSize(byte[] bytes) throws RefusedImage {
        int i = 2;
        while (i + 9 < bytes.length) {
            if ((bytes[i] & 0xff) != 0xff) {
                throw new RefusedImage("is a damaged JPEG (bad marker at byte " + i + ")");
            }
            int marker = bytes[i + 1] & 0xff;
            if (marker == 0xff) {
                i++;
                continue;
            }
            if (marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01) {
                i += 2;
                continue;
            }
            int length = ((bytes[i + 2] & 0xff) << 8) | (bytes[i + 3] & 0xff);
            boolean startOfFrame =
                    marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (startOfFrame) {
                int height = ((bytes[i + 5] & 0xff) << 8) | (bytes[i + 6] & 0xff);
                int width = ((bytes[i + 7] & 0xff) << 8) | (bytes[i + 8] & 0xff);
                return new int[] {width, height};
            }
            if (length < 2) {
                throw new RefusedImage("is a damaged JPEG (segment length " + length + ")");
            }
            i += 2 + length;
        }
        throw new RefusedImage("is a damaged JPEG (no frame header)");
    }

    private static Inspection raster(byte[] bytes, String type, int[] size) throws RefusedImage {
        String name = type.equals(PNG) ? "PNG" : "JPEG";
        long width = Integer.toUnsignedLong(size[0]);
        long height = Integer.toUnsignedLong(size[1]);
        checkSize(width, height);
        if (width * height > MAX_PIXELS) {
            throw new RefusedImage(
                    "is " + width + "x" + height + " pixels; at most " + MAX_PIXELS + " pixels (4096x4096)");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new RefusedImage("is a " + name + " that does not decode (" + e.getMessage() + ")");
        }
        if (image == null) {
            throw new RefusedImage("is a " + name + " that does not decode");
        }
        if (image.getWidth() != width || image.getHeight() != height) {
            throw new RefusedImage("is a damaged " + name + " (its header and its picture disagree on the size)");
        }
        return new Inspection(type, image.getWidth(), image.getHeight());
    }

    private static void checkSize(double width, double height) throws RefusedImage {
        if (!(width >= 1 && height >= 1)) {
            throw new RefusedImage("has no size");
        }
        if (width > MAX_SIDE || height > MAX_SIDE) {
            throw new RefusedImage(
                    "is " + (long) width + "x" + (long) height + " pixels; at most " + MAX_SIDE + " on a side");
        }
    }

    private static Inspection svg(byte[] bytes) throws RefusedImage {
        Document document = parse(bytes);
        Element root = document.getDocumentElement();
        if (!"svg".equals(root.getLocalName()) || !SVG_NAMESPACE.equals(root.getNamespaceURI())) {
            throw new RefusedImage("is XML but not an SVG image (its root is <" + root.getTagName() + ">)");
        }
        checkTree(root);
        double[] size = svgSize(root);
        checkSize(size[0], size[1]);
        return new Inspection(SVG, (int) Math.ceil(size[0]), (int) Math.ceil(size[1]));
    }

    private static Document parse(byte[] bytes) throws RefusedImage {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {}

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return builder.parse(new ByteArrayInputStream(bytes));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a safety feature", e);
        } catch (SAXParseException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.contains("DOCTYPE")) {
                throw new RefusedImage("is an SVG with a DOCTYPE; DTDs and entities are not accepted");
            }
            throw new RefusedImage(
                    "is an SVG that is not well-formed XML (line " + e.getLineNumber() + ": " + message + ")");
        } catch (SAXException | IOException e) {
            throw new RefusedImage("is an SVG that does not parse (" + e.getMessage() + ")");
        }
    }

    private static void checkTree(Element element) throws RefusedImage {
        String local = element.getLocalName();
        if (FORBIDDEN_ELEMENTS.contains(local) || XHTML_NAMESPACE.equals(element.getNamespaceURI())) {
            throw new RefusedImage(
                    "is an SVG with a <" + local + "> element; scripts and embedded documents are not accepted");
        }
        if (local.equals("style")) {
            checkCss(element.getTextContent());
        }
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr attribute = (Attr) attributes.item(i);
            String name = attribute.getLocalName() == null ? attribute.getName() : attribute.getLocalName();
            String value = attribute.getValue();
            if (name.toLowerCase(Locale.ROOT).startsWith("on")) {
                throw new RefusedImage(
                        "is an SVG with an event handler (" + attribute.getName() + "); scripts are not accepted");
            }
            if (name.equals("href")
                    && !value.strip().startsWith("#")
                    && !EMBEDDED_IMAGE.matcher(value.strip()).matches()) {
                throw new RefusedImage("is an SVG that links outside itself (" + attribute.getName() + "=\""
                        + shorten(value) + "\"); only #fragments and embedded PNG/JPEG/GIF/WebP are accepted");
            }
            if (name.equals("style") || value.contains("url(")) {
                checkCss(value);
            }
        }
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element childElement) {
                checkTree(childElement);
            }
        }
    }

    private static void checkCss(String css) throws RefusedImage {
        if (css.toLowerCase(Locale.ROOT).contains("@import")) {
            throw new RefusedImage("is an SVG whose style imports a stylesheet; it must be self-contained");
        }
        Matcher url = CSS_URL.matcher(css);
        while (url.find()) {
            String target = url.group(1);
            if (!target.startsWith("#") && !target.toLowerCase(Locale.ROOT).startsWith("data:image/")) {
                throw new RefusedImage(
                        "is an SVG whose style loads url(" + shorten(target) + "); it must be self-contained");
            }
        }
    }

    private static double[] svgSize(Element root) throws RefusedImage {
        double width = length(root.getAttribute("width"));
        double height = length(root.getAttribute("height"));
        if (width > 0 && height > 0) {
            return new double[] {width, height};
        }
        String viewBox = root.getAttribute("viewBox").strip();
        if (!viewBox.isEmpty()) {
            String[] parts = viewBox.split("[\\s,]+");
            if (parts.length == 4) {
                try {
                    double boxWidth = Double.parseDouble(parts[2]);
                    double boxHeight = Double.parseDouble(parts[3]);
                    if (boxWidth > 0 && boxHeight > 0) {
                        // One side given in pixels scales the other by the box's shape.
                        if (width > 0) {
                            return new double[] {width, width * boxHeight / boxWidth};
                        }
                        if (height > 0) {
                            return new double[] {height * boxWidth / boxHeight, height};
                        }
                        return new double[] {boxWidth, boxHeight};
                    }
                } catch (NumberFormatException e) {
                    // Refused below.
                }
            }
            throw new RefusedImage(
                    "is an SVG whose viewBox \"" + shorten(viewBox) + "\" is not four numbers with a size");
        }
        throw new RefusedImage("is an SVG with no size: give it a viewBox, or a width and height in pixels");
    }

    /** A length in user units or px; 0 for anything else (%, mm, em), which the viewBox decides. */
    private static double length(String text) {
        Matcher matcher = LENGTH.matcher(text);
        return matcher.matches() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static int int32(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24)
                | ((bytes[at + 1] & 0xff) << 16)
                | ((bytes[at + 2] & 0xff) << 8)
                | (bytes[at + 3] & 0xff);
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
