package ir.flatrender.gateway.billing;

import static java.util.Objects.requireNonNull;

import ir.flatrender.gateway.http.Problem;
import ir.flatrender.gateway.identity.Principal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Monthly invoices of reseller tenants, from their usage records: one a tenant a month, made
 * once (making a month again changes nothing). The gateway makes last month's on start and
 * every six hours; farm administrators can make any past or current month's, and say which
 * tenants are resellers. A tenant's admins read their own tenant's invoices.
 */
public final class Invoices {
    public static final Set<String> KINDS = Set.of("customer", "reseller");

    /** An invoice of a month. */
    public record Invoice(
            UUID id,
            YearMonth period,
            int renders,
            long seconds,
            long amountRial,
            String state,
            OffsetDateTime issuedAt) {}

    private final Jdbi jdbi;
    private final Clock clock;

    public Invoices(Jdbi jdbi, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Makes the month's invoices of every reseller tenant with usage in it; answers how many were made. */
    public int make(YearMonth month) {
        OffsetDateTime from = month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        return jdbi.inTransaction(handle -> {
            InvoiceDao invoices = handle.attach(InvoiceDao.class);
            int made = invoices.insertInvoices(month.atDay(1), from, to);
            invoices.insertLines(month.atDay(1), from, to);
            return made;
        });
    }

    /** A farm administrator's run of a month that is not in the future; answers how many were made. */
    public int run(Principal principal, YearMonth month) {
        principal.requireFarmAdmin();
        if (month.isAfter(YearMonth.now(clock.withZone(ZoneOffset.UTC)))) {
            throw Problem.invalidField("month", "must not be in the future");
        }
        return make(month);
    }

    /** The caller's tenant's invoices, newest month first (its admins'). */
    public List<Invoice> ofTenant(Principal principal) {
        principal.require(Principal.Role.ADMIN);
        return jdbi.withExtension(InvoiceDao.class, i -> i.ofTenant(principal.tenantId())).stream()
                .map(r -> new Invoice(
                        r.id(),
                        YearMonth.from(r.period()),
                        r.renders(),
                        r.seconds(),
                        r.amountRial(),
                        r.state(),
                        r.issuedAt()))
                .toList();
    }

    /** A farm administrator sets a tenant's kind (one of {@link #KINDS}); 404 for none or the platform's. */
    public void setKind(Principal principal, UUID tenant, String kind) {
        principal.requireFarmAdmin();
        if (!KINDS.contains(kind)) {
            throw Problem.invalidField("kind", "must be one of " + KINDS);
        }
        if (jdbi.withExtension(InvoiceDao.class, i -> i.setKind(tenant, kind)) == 0) {
            throw Problem.notFound("tenant " + tenant);
        }
    }
}
