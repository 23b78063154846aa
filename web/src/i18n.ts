import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import fa from "./locales/fa.json";
import en from "./locales/en.json";

export type Lang = "fa" | "en";
const KEY = "flatrender.lang";

function stored(): Lang {
  const lang = localStorage.getItem(KEY);
  return lang === "en" ? "en" : "fa";
}

/** The page's language and direction follow i18next's: fa is right to left. */
function applyToDocument(lang: string): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "fa" ? "rtl" : "ltr";
}

void i18n.use(initReactI18next).init({
  resources: { fa: { translation: fa }, en: { translation: en } },
  lng: stored(),
  fallbackLng: "fa",
  interpolation: { escapeValue: false },
  returnNull: false,
  // Keys hold aspects ("16:9"): no namespaces, so a colon is part of the key.
  nsSeparator: false,
});
applyToDocument(i18n.language);
i18n.on("languageChanged", (lang) => {
  localStorage.setItem(KEY, lang);
  applyToDocument(lang);
});

export function currentLang(): Lang {
  return i18n.language === "en" ? "en" : "fa";
}

export default i18n;
