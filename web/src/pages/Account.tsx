import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import QRCode from "qrcode";
import { getJson, postJson, tokens } from "../api";
import { Field } from "../components/Field";
import { useTitle } from "../components/Layout";
import { ErrorNotice, Loading } from "../components/Notice";
import { useAction, useLoad } from "../hooks";
import type { Me } from "../types";

interface Enrolment {
  factor_id: string;
  secret: string;
  otpauth_uri: string;
}

/** The account: who is signed in, log out, two-step login, and the ways in for programs. */
export function Account() {
  const { t } = useTranslation();
  useTitle(t("account.title"));
  const navigate = useNavigate();
  const me = useLoad((signal) => getJson<Me>("/v1/me", { signal }), []);
  const logout = useAction(async () => {
    const refresh = tokens.refreshToken();
    try {
      if (refresh) await postJson("/v1/auth/logout", { refresh_token: refresh }, { auth: false });
    } finally {
      tokens.clear();
      navigate("/", { replace: true });
    }
  });
  return (
    <section>
      <h1>{t("account.title")}</h1>
      <ErrorNotice error={me.error} retry={me.reload} />
      {me.loading && !me.data && <Loading />}
      {me.data && (
        <dl className="facts">
          <dt>{t("account.role")}</dt>
          <dd>{t(`roles.${me.data.role}`, { defaultValue: me.data.role })}</dd>
          <dt>{t("account.tenant")}</dt>
          <dd>
            <bdi>{me.data.tenant_id}</bdi>
          </dd>
        </dl>
      )}
      <p className="links">
        <Link to="/account/api-keys">{t("apiKeys.title")}</Link> · <Link to="/account/webhooks">{t("webhooks.title")}</Link>
      </p>
      <TwoStep />
      <h2>{t("account.logoutTitle")}</h2>
      <button type="button" className="button-secondary" disabled={logout.busy} onClick={() => void logout.run()}>
        {t("account.logout")}
      </button>
    </section>
  );
}

/** TOTP enrolment: the secret as a QR code, confirmed by a code; the recovery codes shown once. */
function TwoStep() {
  const { t } = useTranslation();
  const [enrolment, setEnrolment] = useState<Enrolment>();
  const [qr, setQr] = useState<string>();
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[]>();
  const [already, setAlready] = useState(false);
  const start = useAction(async () => {
    try {
      setEnrolment(await postJson<Enrolment>("/v1/auth/mfa/totp", {}));
    } catch (e) {
      if (e instanceof Error && "status" in e && (e as { status: number }).status === 409) {
        setAlready(true);
        return;
      }
      throw e;
    }
  });
  const confirm = useAction(async () => {
    const answer = await postJson<{ enabled: boolean; recovery_codes: string[] }>("/v1/auth/mfa/totp/confirm", {
      code: code.trim(),
    });
    setCodes(answer.recovery_codes);
    setEnrolment(undefined);
  });
  useEffect(() => {
    if (!enrolment) return;
    QRCode.toDataURL(enrolment.otpauth_uri, { margin: 1, width: 220 })
      .then(setQr)
      .catch(() => setQr(undefined));
  }, [enrolment]);

  return (
    <section className="two-step">
      <h2>{t("mfa.title")}</h2>
      {codes ? (
        <div className="notice notice-ok" data-testid="recovery-codes">
          <p>{t("mfa.enabled")}</p>
          <p>{t("mfa.recoveryOnce")}</p>
          <ul className="codes" dir="ltr">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : already ? (
        <p>{t("mfa.already")}</p>
      ) : enrolment ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void confirm.run();
          }}
        >
          <p>{t("mfa.scan")}</p>
          {qr && <img src={qr} alt={t("mfa.qrAlt")} width={220} height={220} data-testid="mfa-qr" />}
          <p>
            {t("mfa.orSecret")} <code dir="ltr">{enrolment.secret}</code>
          </p>
          <Field label={t("mfa.code")} error={confirm.error?.status === 401 ? t("login.badCode") : undefined}>
            {(aria) => (
              <input
                {...aria}
                dir="ltr"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            )}
          </Field>
          {confirm.error?.status !== 401 && <ErrorNotice error={confirm.error} retry={() => void confirm.run()} />}
          <button type="submit" className="button-primary" disabled={confirm.busy}>
            {t("mfa.confirm")}
          </button>
        </form>
      ) : (
        <>
          <p>{t("mfa.explain")}</p>
          <ErrorNotice error={start.error} retry={() => void start.run()} />
          <button type="button" className="button-secondary" disabled={start.busy} onClick={() => void start.run()}>
            {t("mfa.start")}
          </button>
        </>
      )}
    </section>
  );
}
