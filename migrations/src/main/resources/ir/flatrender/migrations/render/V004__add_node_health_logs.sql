-- The nodes' resource samples over time, one partition a month. The orchestrator makes the
-- coming months' partitions ahead and drops those past the retention, with the two functions
-- below (partition names cannot be bound as parameters, so the DDL is built here, quoted).

CREATE TABLE render.node_health_logs (
    node_id               uuid             NOT NULL REFERENCES render.nodes (id) ON DELETE CASCADE,
    recorded_at           timestamptz      NOT NULL,
    cpu_load              double precision,
    load_average          double precision,
    memory_used_bytes     bigint,
    memory_total_bytes    bigint,
    disk_free_bytes       bigint,
    gpu_load              double precision,
    gpu_memory_used_bytes bigint,
    running_chunks        integer          NOT NULL
) PARTITION BY RANGE (recorded_at);

CREATE INDEX node_health_logs_node_time ON render.node_health_logs (node_id, recorded_at DESC);

-- Makes the partitions of this month and the next `ahead` months that are missing; answers
-- how many it made.
CREATE FUNCTION render.ensure_health_partitions(ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month date := date_trunc('month', now())::date;
    made integer := 0;
    name text;
BEGIN
    FOR i IN 0..ahead LOOP
        name := 'node_health_logs_' || to_char(month, 'YYYY_MM');
        IF to_regclass(format('render.%I', name)) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE render.%I PARTITION OF render.node_health_logs FOR VALUES FROM (%L) TO (%L)',
                name, month, (month + interval '1 month')::date);
            made := made + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN made;
END
$$;

-- Drops the partitions that end before `before`; answers their names.
CREATE FUNCTION render.drop_health_partitions(before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace
        WHERE n.nspname = 'render' AND p.relname = 'node_health_logs'
          AND c.relname ~ '^node_health_logs_[0-9]{4}_[0-9]{2}$'
          AND (to_date(substring(c.relname FROM '[0-9]{4}_[0-9]{2}$'), 'YYYY_MM') + interval '1 month') <= before
    LOOP
        EXECUTE format('DROP TABLE render.%I', part.relname);
        RETURN NEXT part.relname;
    END LOOP;
END
$$;

SELECT render.ensure_health_partitions(2);
