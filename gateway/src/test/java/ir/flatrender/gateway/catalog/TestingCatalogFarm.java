package ir.flatrender.gateway.catalog;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import ir.flatrender.gateway.http.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory catalog: three templates of the shared tenant (a birthday template with two of its
 * three covers and a preview, a sale promo in 16:9 only, a timeline sample) and one private
 * template of {@link #ACME}; media are random bytes kept by their real sha256.
 */
final class TestingCatalogFarm implements CatalogFarm {
    static final UUID ACME = UUID.fromString("00000000-0000-0000-0000-00000000ac01");

    final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();
    private final List<Template> templates = new ArrayList<>();
    private final List<Category> categories = List.of(
            new Category("celebration", "جشن", "Celebration", 0),
            new Category("sale", "فروش", "Sale", 1),
            new Category("other", "دیگر", "Other", 2),
            new Category("acme-only", "ویژه اکمی", "Acme's", 3));

    TestingCatalogFarm() {
        Aspect wide = new Aspect("16:9", 1920, 1080);
        Aspect square = new Aspect("1:1", 1080, 1080);
        Aspect tall = new Aspect("9:16", 1080, 1920);
        Field title = new Field(
                "title",
                "text",
                "عنوان",
                "Title",
                false,
                Optional.empty(),
                Optional.of(40),
                Optional.empty(),
                Optional.empty(),
                Optional.of(JsonNodeFactory.instance.textNode("تولدت مبارک")),
                Optional.of(JsonNodeFactory.instance.textNode("Happy birthday")),
                List.of());
        Field colour = new Field(
                "primary",
                "color",
                "رنگ اصلی",
                "Main colour",
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(JsonNodeFactory.instance.textNode("#ff4081")),
                Optional.of(JsonNodeFactory.instance.textNode("#ff4081")),
                List.of("#ff4081", "#7c4dff"));
        templates.add(new Template(
                "happy-birthday",
                3,
                CatalogService.SHARED_TENANT,
                "celebration",
                "تولدت مبارک",
                "Happy birthday",
                "بادکنک‌ها بالا می‌روند و کیک شمع دارد.",
                "Balloons rise over a cake.",
                List.of("کیک", "جشن تولد"),
                List.of("birthday", "cake"),
                "remotion",
                30,
                150,
                List.of(wide, square, tall),
                List.of(new Scene(0, "تولدت مبارک", "Happy birthday", 0, 150, List.of(title, colour))),
                List.of(new Preset("صورتی", "Pink", Map.of("primary", "#ff4081"))),
                List.of(
                        media("cover", "16:9", 3, "image/jpeg", 40_000, 1920, 1080, 0, 0),
                        media("cover", "1:1", 3, "image/jpeg", 30_000, 1080, 1080, 0, 0),
                        media("preview", "16:9", 3, "video/mp4", 700_000, 640, 360, 5000, 150))));
        templates.add(new Template(
                "sale-promo",
                1,
                CatalogService.SHARED_TENANT,
                "sale",
                "فروش ویژه",
                "Special sale",
                "تخفیف‌های بهاری با نشان چرخان",
                "Spring discounts with a turning badge",
                List.of("حراج"),
                List.of("sale"),
                "remotion",
                30,
                150,
                List.of(wide),
                List.of(),
                List.of(),
                List.of()));
        templates.add(new Template(
                "sample-promo",
                1,
                CatalogService.SHARED_TENANT,
                "other",
                "نمونه",
                "Sample",
                "",
                "",
                List.of(),
                List.of(),
                "timeline",
                25,
                100,
                List.of(wide),
                List.of(),
                List.of(),
                List.of()));
        templates.add(new Template(
                "acme-intro",
                1,
                ACME,
                "acme-only",
                "معرفی اکمی",
                "Acme intro",
                "",
                "",
                List.of(),
                List.of(),
                "remotion",
                30,
                90,
                List.of(square),
                List.of(),
                List.of(),
                List.of(media("cover", "1:1", 1, "image/png", 5_000, 1080, 1080, 0, 0))));
    }

    private Media media(
            String kind,
            String aspect,
            int version,
            String type,
            int size,
            int width,
            int height,
            long millis,
            int frames) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        String sha256;
        try {
            sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        blobs.put(sha256, bytes);
        return new Media(kind, aspect, version, sha256, type, size, width, height, millis, frames);
    }

    Template template(String id) {
        return templates.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private boolean visible(UUID tenant, Template template) {
        return template.tenantId().equals(CatalogService.SHARED_TENANT)
                || template.tenantId().equals(tenant);
    }

    @Override
    public Catalog catalog(UUID tenant) {
        List<Template> seen = templates.stream().filter(t -> visible(tenant, t)).toList();
        return new Catalog(
                categories.stream()
                        .filter(c -> seen.stream().anyMatch(t -> t.categoryId().equals(c.id())))
                        .toList(),
                seen);
    }

    @Override
    public void media(UUID tenant, String sha256, long offset, long length, OutputStream out) throws IOException {
        reads.incrementAndGet();
        boolean seen = templates.stream()
                .filter(t -> visible(tenant, t))
                .anyMatch(t -> t.media().stream().anyMatch(m -> m.sha256().equals(sha256)));
        byte[] bytes = blobs.get(sha256);
        if (!seen || bytes == null) {
            throw Problem.of(404, "not-found", "Not found", "the catalog has no media " + sha256);
        }
        int end = length == 0 ? bytes.length : (int) Math.min(bytes.length, offset + length);
        // In parts, as the farm sends them.
        for (int at = (int) offset; at < end; at += 64 * 1024) {
            out.write(bytes, at, Math.min(64 * 1024, end - at));
        }
    }
}
