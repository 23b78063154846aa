import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { getJson, postJson } from "../api";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { number, toman } from "../format";
import { useAction, useLoad, useSignedIn } from "../hooks";
import { TIERS, type Checkout, type Plan } from "../types";

/** The seconds model, from the gateway's plans, and buying a plan through the broker. */
export function Pricing() {
  const { t, i18n } = useTranslation();
  useTitle(t("pricing.title"));
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const plans = useLoad((signal) => getJson<{ plans: Plan[] }>("/v1/plans", { auth: false, signal }), []);
  // Once on the way to the payment page the buttons stay off: a second click would start a second checkout.
  const [leaving, setLeaving] = useState(false);
  const buy = useAction(async (plan: string) => {
    const checkout = await postJson<Checkout>("/v1/billing/checkouts", { plan_id: plan });
    if (checkout.payment_url) {
      setLeaving(true);
      window.location.assign(checkout.payment_url);
    }
  });
  const list = plans.data?.plans ?? [];
  const factors = list[0]?.tier_factors ?? {};
  return (
    <section className="pricing">
      <h1>{t("pricing.title")}</h1>
      <p className="lead">{t("pricing.model")}</p>
      <ErrorNotice error={plans.error} retry={plans.reload} />
      {plans.loading && !plans.data && <Loading />}
      <ul className="plans">
        {list.map((plan) => (
          <li key={plan.id} className="plan" data-testid="plan" data-plan={plan.id}>
            <h2>{i18n.language === "en" ? plan.name.en : plan.name.fa}</h2>
            <p className="price">{plan.price_rial === 0 ? t("pricing.free") : toman(plan.price_rial)}</p>
            <ul className="plan-facts">
              <li>{t("pricing.included", { n: number(plan.included_seconds) })}</li>
              <li>{t("pricing.perSecond", { price: toman(plan.rial_per_second) })}</li>
            </ul>
            {plan.price_rial > 0 && (
              <button
                type="button"
                className="button-primary"
                disabled={buy.busy || leaving}
                onClick={() => (signedIn ? void buy.run(plan.id) : navigate("/signup?next=/pricing"))}
              >
                {t("pricing.buy", { name: i18n.language === "en" ? plan.name.en : plan.name.fa })}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorNotice error={buy.error} retry={undefined} />
      {Object.keys(factors).length > 0 && (
        <>
          <h2>{t("pricing.tiersTitle")}</h2>
          <p>{t("pricing.tiersExplained")}</p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("pricing.tier")}</th>
                  <th scope="col">{t("pricing.factor")}</th>
                  <th scope="col">{t("pricing.example")}</th>
                </tr>
              </thead>
              <tbody>
                {TIERS.filter((tier) => factors[tier] !== undefined).map((tier) => (
                  <tr key={tier}>
                    <td>{t(`tiers.${tier}`)}</td>
                    <td>×{number(factors[tier])}</td>
                    <td>{t("pricing.exampleSeconds", { n: number(10 * factors[tier]) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
