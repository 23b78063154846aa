import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation } from "react-router";
import { useMe } from "../console/me";
import { useSignedIn } from "../hooks";
import { ComingSoon } from "./ComingSoon";

/** Sets the document's title: the page's, then the site's. */
export function useTitle(title: string | undefined): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = title ? `${title} | ${t("site.name")}` : t("site.name");
  }, [title, t]);
}

export function Layout() {
  const { t, i18n } = useTranslation();
  const signedIn = useSignedIn();
  const { me } = useMe();
  const location = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [location.pathname]);
  const other = i18n.language === "fa" ? "en" : "fa";
  return (
    <>
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header className="site-header">
        <NavLink to="/" className="brand" aria-label={t("site.name")}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>{t("site.name")}</span>
        </NavLink>
        <nav aria-label={t("nav.label")}>
          <NavLink to="/" end>
            {t("nav.catalog")}
          </NavLink>
          <NavLink to="/pricing">{t("nav.pricing")}</NavLink>
          {signedIn && <NavLink to="/renders">{t("nav.renders")}</NavLink>}
          {signedIn && <NavLink to="/wallet">{t("nav.wallet")}</NavLink>}
          {signedIn && me?.farm_admin && <NavLink to="/console">{t("nav.console")}</NavLink>}
          {signedIn ? (
            <NavLink to="/account">{t("nav.account")}</NavLink>
          ) : (
            <>
              <NavLink to="/login">{t("nav.login")}</NavLink>
              <NavLink to="/signup" className="button-nav">
                {t("nav.signup")}
              </NavLink>
            </>
          )}
        </nav>
        <button
          type="button"
          className="lang"
          lang={other}
          onClick={() => void i18n.changeLanguage(other)}
          aria-label={t("nav.switchLanguage")}
        >
          {other === "en" ? "English" : "فارسی"}
        </button>
      </header>
      <main id="main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>{t("site.footer")}</p>
      </footer>
      <ComingSoon />
    </>
  );
}
