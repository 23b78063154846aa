import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { postJson, tokens, type Session } from "../api";
import { Field } from "../components/Field";
import { useTitle } from "../components/Layout";
import { ErrorNotice } from "../components/Notice";
import { useAction } from "../hooks";
import { nextPath } from "./Login";

/** Sign up: a user, and a tenant of their own with its wallet. */
export function Signup() {
  const { t } = useTranslation();
  useTitle(t("signup.title"));
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: "", email: "", password: "", organization: "" });
  const signup = useAction(async () => {
    const body: Record<string, string> = { name: form.name, email: form.email, password: form.password };
    if (form.organization.trim()) body.organization = form.organization;
    const session = await postJson<Session>("/v1/auth/signup", body, { auth: false });
    tokens.set(session);
    navigate(nextPath(params), { replace: true });
  });
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [name]: e.target.value })),
  });
  const taken = signup.error?.status === 409;
  return (
    <section className="narrow">
      <h1>{t("signup.title")}</h1>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void signup.run();
        }}
      >
        <Field label={t("account.name")} error={signup.error?.fieldMessage("name")}>
          {(aria) => <input {...aria} autoComplete="name" {...field("name")} />}
        </Field>
        <Field
          label={t("account.email")}
          error={taken ? t("signup.taken") : signup.error?.fieldMessage("email")}
        >
          {(aria) => <input {...aria} type="email" dir="ltr" autoComplete="email" {...field("email")} />}
        </Field>
        <Field
          label={t("account.password")}
          hint={t("signup.passwordHint")}
          error={signup.error?.fieldMessage("password")}
        >
          {(aria) => <input {...aria} type="password" dir="ltr" autoComplete="new-password" {...field("password")} />}
        </Field>
        <Field label={t("signup.organization")} error={signup.error?.fieldMessage("organization")}>
          {(aria) => <input {...aria} autoComplete="organization" {...field("organization")} />}
        </Field>
        {!taken && <ErrorNotice error={signup.error} retry={() => void signup.run()} />}
        <button type="submit" className="button-primary" disabled={signup.busy}>
          {t("signup.submit")}
        </button>
      </form>
      <p>
        {t("signup.haveAccount")} <Link to={`/login?${params}`}>{t("nav.login")}</Link>
      </p>
    </section>
  );
}
