import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { getJson } from "../api";
import { date, number } from "../format";

interface Site {
  coming_soon: { launch_at: string } | null;
}

const DISMISSED = "flatrender.comingSoonDismissed";

/**
 * The experimental build's overlay, on every page while the gateway is configured with a launch
 * date still ahead: the date and a countdown. A visitor may go on to the experimental build; the
 * choice lasts the browser session.
 */
export function ComingSoon() {
  const { t } = useTranslation();
  const [launch, setLaunch] = useState<Date>();
  const [now, setNow] = useState(() => Date.now());
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(DISMISSED) === "1");
  useEffect(() => {
    getJson<Site>("/v1/site", { auth: false })
      .then((site) => {
        if (site.coming_soon) setLaunch(new Date(site.coming_soon.launch_at));
      })
      .catch(() => {
        /* no overlay when the switch cannot be read */
      });
  }, []);
  useEffect(() => {
    if (!launch) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [launch]);
  if (!launch || dismissed || launch.getTime() <= now) return null;
  const left = Math.floor((launch.getTime() - now) / 1000);
  const parts = [
    { value: Math.floor(left / 86400), label: t("comingSoon.days") },
    { value: Math.floor((left % 86400) / 3600), label: t("comingSoon.hours") },
    { value: Math.floor((left % 3600) / 60), label: t("comingSoon.minutes") },
    { value: left % 60, label: t("comingSoon.seconds") },
  ];
  return (
    <div className="coming-soon" role="dialog" aria-modal="true" aria-labelledby="coming-soon-title">
      <div className="coming-soon-card">
        <h2 id="coming-soon-title">{t("comingSoon.title")}</h2>
        <p>{t("comingSoon.body", { date: date(launch.toISOString()) })}</p>
        <div className="countdown" aria-live="off" data-testid="countdown">
          {parts.map((p) => (
            <div key={p.label}>
              <strong>{number(p.value)}</strong>
              <span>{p.label}</span>
            </div>
          ))}
        </div>
        <button
          type="button"
          autoFocus
          onClick={() => {
            sessionStorage.setItem(DISMISSED, "1");
            setDismissed(true);
          }}
        >
          {t("comingSoon.enter")}
        </button>
      </div>
    </div>
  );
}
