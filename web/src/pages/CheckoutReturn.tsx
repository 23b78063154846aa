import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { getJson } from "../api";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { digits, toman } from "../format";
import { useLoad, useSignedIn } from "../hooks";
import type { Checkout } from "../types";

interface Returned {
  payment_status: string;
  ref_id: string | null;
  checkout?: Checkout;
  note: string;
}

/**
 * Back from the payment page: the broker's signed result, checked by the gateway; then the
 * checkout as it stands until the broker's confirmation has credited the wallet.
 */
export function CheckoutReturn() {
  const { t } = useTranslation();
  useTitle(t("checkout.title"));
  const { search } = useLocation();
  const signedIn = useSignedIn();
  const result = useLoad(
    (signal) => getJson<Returned>(`/v1/billing/checkouts/return${search}`, { auth: false, signal }),
    [search],
  );
  const [checkout, setCheckout] = useState<Checkout>();
  const paid = result.data?.payment_status === "paid";
  const id = result.data?.checkout?.id;

  useEffect(() => {
    if (!paid || !id || !signedIn) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    let tries = 0;
    const poll = async (wait: number) => {
      // About a minute; after that the wallet page tells how it stands.
      if (++tries > 20) {
        setCheckout((c) => c ?? ({ state: "slow" } as Checkout));
        return;
      }
      try {
        const now = await getJson<Checkout>(`/v1/billing/checkouts/${id}`);
        if (stop) return;
        setCheckout(now);
        if (now.state !== "pending") return;
      } catch {
        /* shown as pending; tried again */
      }
      if (!stop) timer = setTimeout(() => void poll(Math.min(wait * 2, 5000)), wait);
    };
    void poll(500);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [paid, id, signedIn]);

  return (
    <section className="checkout-return">
      <h1>{t("checkout.title")}</h1>
      {result.loading && <Loading />}
      <ErrorNotice error={result.error} retry={result.reload} />
      {result.error?.status === 400 && <p>{t("checkout.invalid")}</p>}
      {result.data && (
        <div
          className={`notice ${paid ? "notice-ok" : "notice-error"}`}
          data-testid="payment-status"
          data-status={result.data.payment_status}
          data-checkout={result.data.checkout?.id}
          role="status"
        >
          <p>{paid ? t("checkout.paid") : t("checkout.notPaid")}</p>
          {result.data.ref_id && <p>{t("checkout.ref", { ref: digits(result.data.ref_id) })}</p>}
          {result.data.checkout && (
            <p>
              {t("checkout.amount", { amount: toman(result.data.checkout.amount_rial) })}
            </p>
          )}
          {paid && (
            <p data-testid="checkout-state" data-state={checkout?.state ?? "pending"}>
              {checkout?.state === "paid"
                ? t("checkout.credited")
                : checkout?.state === "pending" || checkout === undefined
                  ? t("checkout.crediting")
                  : checkout.state === "slow"
                    ? t("checkout.slow")
                    : t("checkout.notCredited")}
            </p>
          )}
        </div>
      )}
      <p>
        <Link to="/wallet">{t("checkout.toWallet")}</Link> · <Link to="/">{t("checkout.toCatalog")}</Link>
      </p>
    </section>
  );
}
