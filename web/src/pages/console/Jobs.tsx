import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { getJson } from "../../api";
import { Field } from "../../components/Field";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { Badge, Pager, ShortId, query, usePages } from "../../console/parts";
import { JOB_STATES, type Job } from "../../console/types";
import { dateTime, number } from "../../format";
import { useLoad } from "../../hooks";
import { JobProgress } from "./Farm";

interface Filters {
  states: string[];
  tenant: string;
  template: string;
  engine: string;
  since: string;
}

const NONE: Filters = { states: [], tenant: "", template: "", engine: "", since: "" };

/** Every job, filtered as `flatrender jobs list` filters them, a page at a time. */
export function Jobs() {
  const { t } = useTranslation();
  useTitle(t("console.jobs.title"));
  const [form, setForm] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const pages = usePages();
  const jobs = useLoad(
    (signal) =>
      getJson<{ jobs: Job[]; next_page_token: string | null }>(
        `/v1/admin/farm/jobs${query({
          state: filters.states.join(","),
          tenant: filters.tenant.trim(),
          template: filters.template.trim(),
          engine: filters.engine.trim(),
          since: filters.since ? new Date(filters.since).toISOString() : null,
          page_size: 50,
          page_token: pages.token,
        })}`,
        { signal },
      ),
    [filters, pages.token],
  );
  const set = (patch: Partial<Filters>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <section>
      <h1>{t("console.jobs.title")}</h1>
      <form
        className="filters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          pages.reset();
          setFilters(form);
        }}
      >
        <fieldset className="states">
          <legend>{t("console.job.state")}</legend>
          {JOB_STATES.map((state) => (
            <label key={state} className="choice">
              <input
                type="checkbox"
                checked={form.states.includes(state)}
                onChange={(e) =>
                  set({ states: e.target.checked ? [...form.states, state] : form.states.filter((s) => s !== state) })
                }
              />
              {t(`console.jobStates.${state}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t("console.jobs.tenant")} error={jobs.error?.fieldMessage("tenant")}>
          {(aria) => <input {...aria} dir="ltr" value={form.tenant} onChange={(e) => set({ tenant: e.target.value })} />}
        </Field>
        <Field label={t("console.job.template")} error={jobs.error?.fieldMessage("template")}>
          {(aria) => <input {...aria} dir="ltr" value={form.template} onChange={(e) => set({ template: e.target.value })} />}
        </Field>
        <Field label={t("console.job.engine")} error={jobs.error?.fieldMessage("engine")}>
          {(aria) => <input {...aria} dir="ltr" value={form.engine} onChange={(e) => set({ engine: e.target.value })} />}
        </Field>
        <Field label={t("console.jobs.since")} error={jobs.error?.fieldMessage("since")}>
          {(aria) => (
            <input {...aria} type="datetime-local" value={form.since} onChange={(e) => set({ since: e.target.value })} />
          )}
        </Field>
        <div className="filter-buttons">
          <button type="submit" className="button-primary">
            {t("console.filter")}
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setForm(NONE);
              setFilters(NONE);
              pages.reset();
            }}
          >
            {t("console.clear")}
          </button>
        </div>
      </form>
      <ErrorNotice error={jobs.error} retry={jobs.reload} />
      {jobs.loading && !jobs.data && <Loading />}
      {jobs.data && jobs.data.jobs.length === 0 && <p className="empty">{t("console.jobs.none")}</p>}
      {jobs.data && jobs.data.jobs.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("console.job.id")}</th>
                <th>{t("console.job.state")}</th>
                <th>{t("console.job.template")}</th>
                <th>{t("console.job.engine")}</th>
                <th>{t("console.job.choices")}</th>
                <th>{t("console.job.progress")}</th>
                <th>{t("console.job.priority")}</th>
                <th>{t("console.jobs.tenant")}</th>
                <th>{t("console.job.created")}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.jobs.map((job) => (
                <tr key={job.id} data-job={job.id} data-state={job.state}>
                  <td>
                    <Link to={`/console/jobs/${job.id}`}>
                      <ShortId id={job.id} />
                    </Link>
                  </td>
                  <td>
                    <Badge kind="job" state={job.state} />
                  </td>
                  <td dir="ltr" className="cell-start">
                    {job.template_id} v{job.template_version}
                  </td>
                  <td dir="ltr" className="cell-start">
                    {job.engine}
                  </td>
                  <td dir="ltr" className="cell-start">
                    {job.aspect} · {job.tier} · {job.fps} fps
                  </td>
                  <td>
                    <JobProgress job={job} />
                  </td>
                  <td>{number(job.priority)}</td>
                  <td>
                    <ShortId id={job.tenant_id} />
                  </td>
                  <td>{dateTime(job.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pages={pages} nextToken={jobs.data?.next_page_token} />
    </section>
  );
}
