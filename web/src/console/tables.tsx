import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { dateTime, number } from "../format";
import { Badge, ShortId } from "./parts";
import type { Crash, Repair } from "./types";

export function CrashesTable({ crashes }: { crashes: Crash[] }) {
  const { t } = useTranslation();
  if (crashes.length === 0) return <p className="empty">{t("console.crashes.none")}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t("console.crashes.at")}</th>
            <th>{t("console.crashes.node")}</th>
            <th>{t("console.crashes.job")}</th>
            <th>{t("console.crashes.kind")}</th>
            <th>{t("console.crashes.exit")}</th>
            <th>{t("console.crashes.message")}</th>
          </tr>
        </thead>
        <tbody>
          {crashes.map((c) => (
            <tr key={c.id} data-crash={c.id}>
              <td>{dateTime(c.created_at)}</td>
              <td dir="ltr" className="cell-start">
                {c.node_name ?? "—"}
              </td>
              <td>
                {c.job_id ? (
                  <Link to={`/console/jobs/${c.job_id}`}>
                    <ShortId id={c.job_id} />
                  </Link>
                ) : (
                  "—"
                )}
                {c.attempt !== null && <span className="muted"> · {t("console.chunk.attemptN", { n: number(c.attempt) })}</span>}
              </td>
              <td dir="ltr" className="cell-start">
                {c.kind}
                {c.engine && ` (${c.engine})`}
              </td>
              <td dir="ltr" className="cell-start">
                {c.exit_code ?? "—"}
                {c.signal && ` ${c.signal}`}
              </td>
              <td className="wrap">
                <span dir="auto">{c.message ?? ""}</span>
                {c.log_tail && (
                  <details>
                    <summary>{t("console.crashes.log")}</summary>
                    <pre dir="ltr">{c.log_tail}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RepairsTable({ repairs }: { repairs: Repair[] }) {
  const { t } = useTranslation();
  if (repairs.length === 0) return <p className="empty">{t("console.repairs.none")}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t("console.crashes.at")}</th>
            <th>{t("console.crashes.job")}</th>
            <th>{t("console.repairs.frames")}</th>
            <th>{t("console.repairs.detectedBy")}</th>
            <th>{t("console.repairs.reason")}</th>
            <th>{t("console.job.state")}</th>
            <th>{t("console.repairs.finished")}</th>
          </tr>
        </thead>
        <tbody>
          {repairs.map((r) => (
            <tr key={r.id} data-repair={r.id}>
              <td>{dateTime(r.created_at)}</td>
              <td>
                <Link to={`/console/jobs/${r.job_id}`}>
                  <ShortId id={r.job_id} />
                </Link>
              </td>
              <td>
                {number(r.first_frame)}–{number(r.last_frame)}
                {r.tier && <span className="muted"> · {r.tier}</span>}
              </td>
              <td dir="ltr" className="cell-start">
                {r.detected_by ?? "—"}
              </td>
              <td className="wrap" dir="auto">
                {r.reason ?? ""}
              </td>
              <td>
                <Badge kind="chunk" state={r.state} />
              </td>
              <td>{r.finished_at ? dateTime(r.finished_at) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
