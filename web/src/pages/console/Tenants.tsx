import { useState } from "react";
import { useTranslation } from "react-i18next";
import { getJson, postJson } from "../../api";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field } from "../../components/Field";
import { useTitle } from "../../components/Layout";
import { ErrorNotice, Loading } from "../../components/Notice";
import { Pager, ShortId, query, usePages } from "../../console/parts";
import type { Tenant } from "../../console/types";
import { date, duration, number, toman } from "../../format";
import { useAction, useDebounced, useLoad } from "../../hooks";
import type { Plan } from "../../types";

/** Persian or Western digits typed, as a number (NaN when it is not one). */
function parseAmount(text: string): number {
  const western = text
    .trim()
    .replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d)))
    .replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)))
    .replace(/[,،٬\s]/g, "");
  return western === "" || !/^\d+$/.test(western) ? Number.NaN : Number(western);
}

/** The farm's customers: their plan, wallet and use; credit a wallet, change a plan. */
export function Tenants() {
  const { t, i18n } = useTranslation();
  useTitle(t("console.tenants.title"));
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 400);
  const pages = usePages();
  const tenants = useLoad(
    (signal) =>
      getJson<{ tenants: Tenant[]; next_page_token: string | null }>(
        `/v1/admin/tenants${query({ q, page_size: 50, page_token: pages.token })}`,
        { signal },
      ),
    [q, pages.token],
  );
  const plans = useLoad((signal) => getJson<{ plans: Plan[] }>("/v1/plans", { auth: false, signal }), []);
  const planName = (id: string | null) => {
    if (!id) return t("console.tenants.noPlan");
    const plan = plans.data?.plans.find((p) => p.id === id);
    return plan ? (i18n.language === "en" ? plan.name.en : plan.name.fa) : id;
  };

  const [crediting, setCrediting] = useState<Tenant>();
  const [amount, setAmount] = useState("");
  const credit = useAction(async (tenant: Tenant, toman: number, reason: string) => {
    await postJson(`/v1/admin/tenants/${tenant.id}/credits`, { amount_rial: toman * 10, reason });
    setCrediting(undefined);
    tenants.reload();
  });
  const [planning, setPlanning] = useState<Tenant>();
  const [plan, setPlan] = useState("");
  const changePlan = useAction(async (tenant: Tenant, planId: string) => {
    await postJson(`/v1/admin/tenants/${tenant.id}/plan`, { plan: planId });
    setPlanning(undefined);
    tenants.reload();
  });
  const tomans = parseAmount(amount);

  return (
    <section>
      <h1>{t("console.tenants.title")}</h1>
      <form className="filters" noValidate role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label={t("console.tenants.search")}>
          {(aria) => (
            <input
              {...aria}
              type="search"
              dir="auto"
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                pages.reset();
              }}
            />
          )}
        </Field>
      </form>
      <ErrorNotice error={tenants.error} retry={tenants.reload} />
      {tenants.loading && !tenants.data && <Loading />}
      {tenants.data && tenants.data.tenants.length === 0 && <p className="empty">{t("console.tenants.none")}</p>}
      {tenants.data && tenants.data.tenants.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("console.tenants.name")}</th>
                <th>{t("console.tenants.plan")}</th>
                <th>{t("console.tenants.balance")}</th>
                <th>{t("console.tenants.members")}</th>
                <th>{t("console.tenants.renders30")}</th>
                <th>{t("console.tenants.seconds30")}</th>
                <th>{t("console.tenants.spent30")}</th>
                <th>{t("console.tenants.since")}</th>
                <th>{t("console.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {tenants.data.tenants.map((tenant) => (
                <tr key={tenant.id} data-tenant={tenant.id}>
                  <td>
                    <span dir="auto">{tenant.name}</span> <ShortId id={tenant.id} />
                    <div className="muted small">{t(`console.tenants.kinds.${tenant.kind}`, { defaultValue: tenant.kind })}</div>
                  </td>
                  <td>{planName(tenant.plan)}</td>
                  <td>{toman(tenant.balance_rial)}</td>
                  <td>{number(tenant.members)}</td>
                  <td>{number(tenant.renders_30d)}</td>
                  <td>{duration(tenant.render_seconds_30d * 1000)}</td>
                  <td>{toman(tenant.spent_rial_30d)}</td>
                  <td>{date(tenant.created_at)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button-secondary button-small"
                      onClick={() => {
                        setAmount("");
                        credit.setError(undefined);
                        setCrediting(tenant);
                      }}
                    >
                      {t("console.tenants.credit")}
                    </button>
                    <button
                      type="button"
                      className="button-secondary button-small"
                      onClick={() => {
                        setPlan(tenant.plan ?? plans.data?.plans[0]?.id ?? "");
                        changePlan.setError(undefined);
                        setPlanning(tenant);
                      }}
                    >
                      {t("console.tenants.changePlan")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager pages={pages} nextToken={tenants.data?.next_page_token} />

      <ConfirmDialog
        open={crediting !== undefined}
        title={t("console.tenants.creditTitle", { name: crediting?.name ?? "" })}
        message={
          Number.isFinite(tomans) && tomans > 0 ? (
            <p>{t("console.tenants.creditExplain", { amount: toman(tomans * 10), name: crediting?.name ?? "" })}</p>
          ) : undefined
        }
        confirmLabel={t("console.tenants.creditConfirm")}
        reason="required"
        busy={credit.busy}
        error={credit.error}
        onConfirm={(reason) => {
          if (crediting && Number.isFinite(tomans) && tomans > 0) void credit.run(crediting, tomans, reason);
        }}
        onClose={() => setCrediting(undefined)}
      >
        <Field
          label={t("console.tenants.amount")}
          error={
            amount !== "" && !(tomans > 0)
              ? t("console.tenants.amountInvalid")
              : credit.error?.fieldMessage("amount_rial")
          }
          hint={t("console.tenants.amountHint")}
        >
          {(aria) => (
            <input {...aria} type="text" inputMode="numeric" dir="ltr" value={amount} onChange={(e) => setAmount(e.target.value)} />
          )}
        </Field>
      </ConfirmDialog>

      <ConfirmDialog
        open={planning !== undefined}
        title={t("console.tenants.planTitle", { name: planning?.name ?? "" })}
        confirmLabel={t("console.tenants.planConfirm")}
        reason="none"
        busy={changePlan.busy}
        error={changePlan.error}
        onConfirm={() => planning && plan && void changePlan.run(planning, plan)}
        onClose={() => setPlanning(undefined)}
      >
        <Field label={t("console.tenants.plan")} error={changePlan.error?.fieldMessage("plan")}>
          {(aria) => (
            <select {...aria} value={plan} onChange={(e) => setPlan(e.target.value)}>
              {plans.data?.plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {i18n.language === "en" ? p.name.en : p.name.fa}
                </option>
              ))}
            </select>
          )}
        </Field>
      </ConfirmDialog>
    </section>
  );
}
