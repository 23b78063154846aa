import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useTitle } from "../components/Layout";

export function NotFound() {
  const { t } = useTranslation();
  useTitle(t("notFound.title"));
  return (
    <section>
      <h1>{t("notFound.title")}</h1>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </section>
  );
}
