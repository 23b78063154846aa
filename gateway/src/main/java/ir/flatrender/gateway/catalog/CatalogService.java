package ir.flatrender.gateway.catalog;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.http.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The catalog's rules: which templates a query finds (category, aspect, engine, text in fa and
 * en, a page of them) and which cover or preview a URL names. A tenant's catalog is small (the
 * pack and its own templates), so it is asked of the farm whole and filtered here; the text
 * search matches names, descriptions and tags in both languages through {@link PersianText}.
 */
public final class CatalogService {
    /** The tenant whose templates (the pack) every tenant sees; anonymous reads are made as it. */
    public static final UUID SHARED_TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");

    public static final int DEFAULT_PAGE_SIZE = 24;
    public static final int MAX_PAGE_SIZE = 100;
    static final Pattern ASPECT = Pattern.compile("^(16[:x]9|1[:x]1|9[:x]16)$");
    static final List<String> ENGINES = List.of("timeline", "remotion", "aftereffects");
    static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
    static final Pattern CATEGORY = Pattern.compile("^[a-z0-9][a-z0-9-]{0,63}$");

    private final CatalogFarm farm;

    public CatalogService(CatalogFarm farm) {
        this.farm = requireNonNull(farm, "farm is null");
    }

    /** A list query, its fields checked: a blank one is no filter. */
    public record Query(
            Optional<String> category,
            Optional<String> aspect,
            Optional<String> engine,
            Optional<String> text,
            String lang,
            int page,
            int pageSize) {
        /** Checks the raw query parameters; a wrong one is a 400 naming it. */
        public static Query of(
                String category, String aspect, String engine, String text, String lang, String page, String pageSize) {
            List<Problem.FieldError> errors = new ArrayList<>();
            Optional<String> categoryFilter = blank(category);
            if (categoryFilter.isPresent()
                    && !CATEGORY.matcher(categoryFilter.get()).matches()) {
                errors.add(new Problem.FieldError("category", "must be a category id (see /v1/catalog/categories)"));
            }
            Optional<String> aspectFilter = blank(aspect);
            if (aspectFilter.isPresent()) {
                if (ASPECT.matcher(aspectFilter.get()).matches()) {
                    aspectFilter = Optional.of(aspectFilter.get().replace('x', ':'));
                } else {
                    errors.add(new Problem.FieldError("aspect", "must be 16:9, 1:1 or 9:16"));
                }
            }
            Optional<String> engineFilter = blank(engine).map(e -> e.toLowerCase(Locale.ROOT));
            if (engineFilter.isPresent() && !ENGINES.contains(engineFilter.get())) {
                errors.add(new Problem.FieldError("engine", "must be one of " + String.join(", ", ENGINES)));
            }
            Optional<String> textFilter = blank(text);
            if (textFilter.isPresent() && textFilter.get().length() > 100) {
                errors.add(new Problem.FieldError("q", "must be at most 100 characters"));
            }
            String language = blank(lang).orElse("fa");
            if (!language.equals("fa") && !language.equals("en")) {
                errors.add(new Problem.FieldError("lang", "must be fa or en"));
            }
            int pageNumber = number("page", page, 1, 10_000, 1, errors);
            int size = number("page_size", pageSize, 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, errors);
            if (!errors.isEmpty()) {
                throw Problem.invalidQuery(errors);
            }
            return new Query(categoryFilter, aspectFilter, engineFilter, textFilter, language, pageNumber, size);
        }

        private static Optional<String> blank(String value) {
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
        }

        private static int number(
                String field, String value, int min, int max, int otherwise, List<Problem.FieldError> errors) {
            if (value == null || value.isBlank()) {
                return otherwise;
            }
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            errors.add(new Problem.FieldError(field, "must be a whole number from " + min + " to " + max));
            return otherwise;
        }
    }

    /** One page of what a query found, and how many it found in all. */
    public record Page(List<CatalogFarm.Template> templates, List<CatalogFarm.Category> categories, int total) {}

    public List<CatalogFarm.Category> categories(UUID tenant) {
        return farm.catalog(tenant).categories();
    }

    public Page find(UUID tenant, Query query) {
        CatalogFarm.Catalog catalog = farm.catalog(tenant);
        if (query.category().isPresent()
                && catalog.categories().stream()
                        .noneMatch(c -> c.id().equals(query.category().get()))) {
            throw Problem.invalidQuery(List.of(new Problem.FieldError(
                    "category", "there is no category '" + query.category().get() + "' (see /v1/catalog/categories)")));
        }
        List<String> terms = query.text().map(PersianText::terms).orElse(List.of());
        List<CatalogFarm.Template> found = catalog.templates().stream()
                .filter(t -> query.category().map(t.categoryId()::equals).orElse(true))
                .filter(t -> query.aspect()
                        .map(a -> t.aspects().stream().anyMatch(x -> x.aspect().equals(a)))
                        .orElse(true))
                .filter(t -> query.engine().map(t.engine()::equals).orElse(true))
                .filter(t -> terms.isEmpty() || PersianText.matches(searchText(t), terms))
                .toList();
        int from = Math.min(found.size(), (query.page() - 1) * query.pageSize());
        int to = Math.min(found.size(), from + query.pageSize());
        return new Page(found.subList(from, to), catalog.categories(), found.size());
    }

    /** What a query's text is matched against: names, descriptions and tags, fa and en. */
    static String searchText(CatalogFarm.Template template) {
        List<String> parts = new ArrayList<>();
        parts.add(template.id());
        parts.add(template.nameFa());
        parts.add(template.nameEn());
        parts.add(template.descriptionFa());
        parts.add(template.descriptionEn());
        parts.addAll(template.tagsFa());
        parts.addAll(template.tagsEn());
        return PersianText.normalise(String.join(" \n ", parts));
    }

    /** A template the tenant sees; 404 naming it otherwise. */
    public CatalogFarm.Template template(UUID tenant, String id) {
        if (!ID.matcher(id).matches()) {
            throw Problem.notFound("catalog template '" + id + "'");
        }
        return farm.catalog(tenant).templates().stream()
                .filter(t -> t.id().equals(id))
                .findFirst()
                .orElseThrow(() -> Problem.notFound("catalog template '" + id + "'"));
    }

    /** A template's cover in an aspect ("16:9" or "16x9"); 404 naming what is missing. */
    public CatalogFarm.Media cover(UUID tenant, String id, String aspect) {
        CatalogFarm.Template template = template(tenant, id);
        if (!ASPECT.matcher(aspect).matches()) {
            throw Problem.notFound("aspect '" + aspect + "' of catalog template '" + id + "'");
        }
        String named = aspect.replace('x', ':');
        if (template.aspects().stream().noneMatch(a -> a.aspect().equals(named))) {
            throw Problem.notFound("aspect '" + named + "' of catalog template '" + id + "'");
        }
        return template.cover(named)
                .orElseThrow(() -> Problem.notFound("the " + named + " cover of catalog template '" + id + "'"));
    }

    public CatalogFarm.Media preview(UUID tenant, String id) {
        return template(tenant, id)
                .preview()
                .orElseThrow(() -> Problem.notFound("the preview of catalog template '" + id + "'"));
    }

    public void copy(UUID tenant, CatalogFarm.Media media, long offset, long length, OutputStream out)
            throws IOException {
        farm.media(tenant, media.sha256(), offset, length, out);
    }
}
