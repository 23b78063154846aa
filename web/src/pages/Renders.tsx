import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { getJson } from "../api";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { aspect, dateTime, toman } from "../format";
import { useLoad, useTemplateNames } from "../hooks";
import type { Render } from "../types";

/** My renders: the tenant's latest, with their state. */
export function Renders() {
  const { t, i18n } = useTranslation();
  useTitle(t("renders.title"));
  const nameOf = useTemplateNames(i18n.language);
  const renders = useLoad((signal) => getJson<{ renders: Render[] }>("/v1/renders", { signal }), []);
  return (
    <section>
      <h1>{t("renders.title")}</h1>
      <ErrorNotice error={renders.error} retry={renders.reload} />
      {renders.loading && !renders.data && <Loading />}
      {renders.data &&
        (renders.data.renders.length === 0 ? (
          <p className="empty">
            {t("renders.empty")} <Link to="/">{t("renders.pick")}</Link>
          </p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t("renders.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("renders.template")}</th>
                  <th scope="col">{t("renders.choices")}</th>
                  <th scope="col">{t("renders.state")}</th>
                  <th scope="col">{t("renders.charge")}</th>
                  <th scope="col">{t("renders.created")}</th>
                </tr>
              </thead>
              <tbody>
                {renders.data.renders.map((r) => (
                  <tr key={r.id} data-testid="render-row" data-render={r.id} data-state={r.state}>
                    <td>
                      <Link to={`/renders/${r.id}`}>{nameOf(r.template)}</Link>
                    </td>
                    <td>
                      {aspect(r.aspect)} · {t(`tiers.${r.tier}`)}
                    </td>
                    <td>{t(`states.${r.state}`)}</td>
                    <td>{toman(r.charge_rial)}</td>
                    <td>{dateTime(r.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
