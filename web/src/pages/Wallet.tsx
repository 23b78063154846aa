import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { getJson } from "../api";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { dateTime, digits, number, toman } from "../format";
import { useLoad } from "../hooks";
import type { Wallet as WalletData } from "../types";

interface Tenant {
  kind: string;
  plan_id?: string;
  name?: string;
}

interface Invoice {
  id: string;
  period: string;
  renders: number;
  seconds: number;
  amount_rial: number;
  state: string;
  issued_at: string;
}

/** The wallet: balances from the ledger, its entries, this month's use; invoices for resellers. */
export function Wallet() {
  const { t } = useTranslation();
  useTitle(t("wallet.title"));
  const wallet = useLoad((signal) => getJson<WalletData>("/v1/wallet", { signal }), []);
  const tenant = useLoad((signal) => getJson<Tenant>("/v1/tenant", { signal }), []);
  const reseller = tenant.data?.kind === "reseller";
  const invoices = useLoad(
    (signal) =>
      reseller ? getJson<{ invoices: Invoice[] }>("/v1/invoices", { signal }) : Promise.resolve({ invoices: [] }),
    [reseller],
  );
  const w = wallet.data;
  return (
    <section className="wallet">
      <h1>{t("wallet.title")}</h1>
      <ErrorNotice error={wallet.error} retry={wallet.reload} />
      {wallet.loading && !w && <Loading />}
      {w && (
        <>
          <dl className="balances">
            <div>
              <dt>{t("wallet.available")}</dt>
              <dd data-testid="wallet-available" data-rial={w.available_rial}>
                {toman(w.available_rial)}
              </dd>
            </div>
            <div>
              <dt>{t("wallet.held")}</dt>
              <dd>{toman(w.held_rial)}</dd>
            </div>
            <div>
              <dt>{t("wallet.usedThisMonth")}</dt>
              <dd>
                {t("wallet.seconds", { n: number(w.used_seconds_this_month) })}
                {w.monthly_quota_seconds !== undefined &&
                  ` / ${t("wallet.seconds", { n: number(w.monthly_quota_seconds) })}`}
              </dd>
            </div>
          </dl>
          <p>
            <Link to="/pricing" className="button button-primary">
              {t("wallet.buy")}
            </Link>
          </p>
          <h2>{t("wallet.ledger")}</h2>
          {w.entries.length === 0 ? (
            <p className="empty">{t("wallet.noEntries")}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="ledger">
                <thead>
                  <tr>
                    <th scope="col">{t("wallet.when")}</th>
                    <th scope="col">{t("wallet.kind")}</th>
                    <th scope="col">{t("wallet.amount")}</th>
                    <th scope="col">{t("wallet.reference")}</th>
                  </tr>
                </thead>
                <tbody>
                  {w.entries.map((e) => (
                    <tr key={e.id} data-kind={e.kind}>
                      <td>{dateTime(e.created_at)}</td>
                      <td>{t(`ledger.${e.kind}`, { defaultValue: e.kind })}</td>
                      <td>{toman(e.amount_rial)}</td>
                      <td>
                        {e.render_id ? (
                          <Link to={`/renders/${e.render_id}`}>{t("wallet.render")}</Link>
                        ) : (
                          <bdi>{e.reference}</bdi>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {reseller && (
        <>
          <h2>{t("wallet.invoices")}</h2>
          <ErrorNotice error={invoices.error} retry={invoices.reload} />
          {invoices.data && invoices.data.invoices.length === 0 && <p className="empty">{t("wallet.noInvoices")}</p>}
          {invoices.data && invoices.data.invoices.length > 0 && (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("wallet.period")}</th>
                    <th scope="col">{t("wallet.renders")}</th>
                    <th scope="col">{t("wallet.amount")}</th>
                    <th scope="col">{t("wallet.state")}</th>
                  </tr>
                </thead>
                <tbody>
                  {invoices.data.invoices.map((i) => (
                    <tr key={i.id}>
                      <td>{digits(i.period)}</td>
                      <td>{number(i.renders)}</td>
                      <td>{toman(i.amount_rial)}</td>
                      <td>{i.state}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
