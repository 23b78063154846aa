import { useState } from "react";
import { useTranslation } from "react-i18next";
import { getJson } from "../../api";
import { Field } from "../../components/Field";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { query } from "../../console/parts";
import { CrashesTable, RepairsTable } from "../../console/tables";
import type { Crash, Repair } from "../../console/types";
import { useDebounced, useLoad } from "../../hooks";

/** The engines' crashes (by node or job) and the repairs the farm made of bad frames. */
export function Crashes() {
  const { t } = useTranslation();
  useTitle(t("console.crashes.title"));
  const [node, setNode] = useState("");
  const [job, setJob] = useState("");
  const n = useDebounced(node.trim(), 400);
  const j = useDebounced(job.trim(), 400);
  const crashes = useLoad(
    (signal) =>
      getJson<{ crashes: Crash[] }>(`/v1/admin/farm/crashes${query({ node: n, job: j, limit: 100 })}`, { signal }),
    [n, j],
  );
  const repairs = useLoad(
    (signal) => getJson<{ repairs: Repair[] }>(`/v1/admin/farm/repairs${query({ job: j, limit: 100 })}`, { signal }),
    [j],
  );
  return (
    <section>
      <h1>{t("console.crashes.title")}</h1>
      <form className="filters" noValidate onSubmit={(e) => e.preventDefault()}>
        <Field label={t("console.crashes.node")} error={crashes.error?.fieldMessage("node")}>
          {(aria) => <input {...aria} dir="ltr" value={node} onChange={(e) => setNode(e.target.value)} />}
        </Field>
        <Field label={t("console.crashes.jobId")} error={crashes.error?.fieldMessage("job")}>
          {(aria) => <input {...aria} dir="ltr" value={job} onChange={(e) => setJob(e.target.value)} />}
        </Field>
      </form>
      <h2>{t("console.nav.crashes")}</h2>
      <ErrorNotice error={crashes.error} retry={crashes.reload} />
      {crashes.loading && !crashes.data && <Loading />}
      {crashes.data && <CrashesTable crashes={crashes.data.crashes} />}
      <h2>{t("console.repairs.title")}</h2>
      <ErrorNotice error={repairs.error} retry={repairs.reload} />
      {repairs.loading && !repairs.data && <Loading />}
      {repairs.data && <RepairsTable repairs={repairs.data.repairs} />}
    </section>
  );
}
