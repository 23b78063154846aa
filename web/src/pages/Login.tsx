import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { postJson, tokens, type Session } from "../api";
import { Field } from "../components/Field";
import { useTitle } from "../components/Layout";
import { ErrorNotice } from "../components/Notice";
import { useAction } from "../hooks";

/** Where to go after signing in: a path of this site only. */
export function nextPath(params: URLSearchParams): string {
  const next = params.get("next") ?? "/";
  if (!next.startsWith("/")) return "/";
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : "/";
  } catch {
    return "/";
  }
}

interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
  expires_in: number;
}

/** Log in: email and password, then the authenticator's code (or a recovery code) when TOTP is on. */
export function Login() {
  const { t } = useTranslation();
  useTitle(t("login.title"));
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<MfaChallenge>();
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState(false);

  const login = useAction(async () => {
    const answer = await postJson<Session | MfaChallenge>("/v1/auth/login", { email, password }, { auth: false });
    if ("mfa_required" in answer) {
      setChallenge(answer);
      return;
    }
    tokens.set(answer);
    navigate(nextPath(params), { replace: true });
  });
  const verify = useAction(async () => {
    const body = recovery
      ? { mfa_token: challenge!.mfa_token, recovery_code: code.trim() }
      : { mfa_token: challenge!.mfa_token, code: code.trim() };
    const session = await postJson<Session>("/v1/auth/mfa/verify", body, { auth: false });
    tokens.set(session);
    navigate(nextPath(params), { replace: true });
  });

  if (challenge) {
    return (
      <section className="narrow">
        <h1>{t("login.mfaTitle")}</h1>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void verify.run();
          }}
        >
          <Field
            label={recovery ? t("login.recoveryCode") : t("login.code")}
            error={verify.error?.status === 401 ? t("login.badCode") : undefined}
          >
            {(aria) => (
              <input
                {...aria}
                value={code}
                dir="ltr"
                autoComplete="one-time-code"
                inputMode={recovery ? "text" : "numeric"}
                onChange={(e) => setCode(e.target.value)}
                autoFocus
              />
            )}
          </Field>
          {verify.error?.status !== 401 && <ErrorNotice error={verify.error} retry={() => void verify.run()} />}
          <button type="submit" className="button-primary" disabled={verify.busy}>
            {t("login.verify")}
          </button>
          <button type="button" className="button-link" onClick={() => setRecovery((r) => !r)}>
            {recovery ? t("login.useCode") : t("login.useRecovery")}
          </button>
        </form>
      </section>
    );
  }
  const wrong = login.error?.status === 401;
  return (
    <section className="narrow">
      <h1>{t("login.title")}</h1>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void login.run();
        }}
      >
        <Field label={t("account.email")} error={login.error?.fieldMessage("email")}>
          {(aria) => (
            <input
              {...aria}
              type="email"
              dir="ltr"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label={t("account.password")} error={wrong ? t("login.wrong") : login.error?.fieldMessage("password")}>
          {(aria) => (
            <input
              {...aria}
              type="password"
              dir="ltr"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        {!wrong && <ErrorNotice error={login.error} retry={() => void login.run()} />}
        <button type="submit" className="button-primary" disabled={login.busy}>
          {t("login.submit")}
        </button>
      </form>
      <p>
        {t("login.noAccount")} <Link to={`/signup?${params}`}>{t("nav.signup")}</Link>
      </p>
    </section>
  );
}
