package ir.flatrender.gateway.uploads;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@code identity.uploads}: every statement names the tenant, so no row crosses tenants. */
@RegisterRowMapper(UploadDao.UploadMapper.class)
public interface UploadDao {
    /** What a tenant keeps: how many uploads and their bytes. */
    record Usage(int count, long bytes) {}

    final class UploadMapper implements RowMapper<Upload> {
        @Override
        public Upload map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Upload(
                    rs.getObject("id", UUID.class),
                    rs.getObject("tenant_id", UUID.class),
                    rs.getString("content_type"),
                    rs.getInt("size_bytes"),
                    rs.getInt("width"),
                    rs.getInt("height"),
                    rs.getString("sha256"),
                    Optional.ofNullable(rs.getString("filename")),
                    rs.getTimestamp("created_at").toInstant());
        }
    }

    String COLUMNS = "id, tenant_id, content_type, size_bytes, width, height, sha256, filename, created_at";

    @SqlQuery("SELECT " + COLUMNS + " FROM identity.uploads WHERE tenant_id = :tenant AND id = :id")
    Optional<Upload> find(@Bind("tenant") UUID tenantId, @Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM identity.uploads WHERE tenant_id = :tenant AND sha256 = :sha256")
    Optional<Upload> bySha256(@Bind("tenant") UUID tenantId, @Bind("sha256") String sha256);

    @SqlQuery("SELECT content FROM identity.uploads WHERE tenant_id = :tenant AND id = :id")
    Optional<byte[]> content(@Bind("tenant") UUID tenantId, @Bind("id") UUID id);

    /** The upload as a {@code data:} URI, built by the database in the one read. */
    @SqlQuery("""
            SELECT 'data:' || content_type || ';base64,' || translate(encode(content, 'base64'), E'\n', '')
            FROM identity.uploads WHERE tenant_id = :tenant AND id = :id
            """)
    Optional<String> dataUri(@Bind("tenant") UUID tenantId, @Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM identity.uploads WHERE tenant_id = :tenant"
            + " ORDER BY created_at DESC, id LIMIT :limit")
    List<Upload> recent(@Bind("tenant") UUID tenantId, @Bind("limit") int limit);

    @SqlQuery("SELECT count(*)::int AS count, coalesce(sum(size_bytes), 0) AS bytes FROM identity.uploads"
            + " WHERE tenant_id = :tenant")
    @RegisterRowMapper(UsageMapper.class)
    Usage usage(@Bind("tenant") UUID tenantId);

    final class UsageMapper implements RowMapper<Usage> {
        @Override
        public Usage map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Usage(rs.getInt("count"), rs.getLong("bytes"));
        }
    }

    /** Serialises one tenant's uploads until the transaction ends, so its limits hold under races. */
    @SqlQuery("SELECT pg_advisory_xact_lock(hashtextextended('identity.uploads:' || :tenant, 0)) IS NULL")
    boolean lockTenant(@Bind("tenant") String tenantId);

    @SqlUpdate("""
            INSERT INTO identity.uploads
                (id, tenant_id, uploaded_by, content_type, size_bytes, width, height, sha256, filename, content)
            VALUES (:id, :tenant, :user, :type, :size, :width, :height, :sha256, :filename, :content)
            """)
    void insert(
            @Bind("id") UUID id,
            @Bind("tenant") UUID tenantId,
            @Bind("user") UUID userId,
            @Bind("type") String contentType,
            @Bind("size") int sizeBytes,
            @Bind("width") int width,
            @Bind("height") int height,
            @Bind("sha256") String sha256,
            @Bind("filename") String filename,
            @Bind("content") byte[] content);

    @SqlUpdate("DELETE FROM identity.uploads WHERE tenant_id = :tenant AND id = :id")
    int delete(@Bind("tenant") UUID tenantId, @Bind("id") UUID id);
}
