import { useTranslation } from "react-i18next";
import { ApiError } from "../api";

/**
 * A problem that is not one field's: the gateway's title and detail, or, for a lost connection
 * or a server error, a message that says trying again may help, with the button to do it.
 */
export function ErrorNotice({ error, retry }: { error?: ApiError; retry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  const unfielded = !error.problem.errors || error.problem.errors.length === 0;
  if (!unfielded && !error.retryable) {
    return (
      <div role="alert" className="notice notice-error">
        {t("errors.checkFields")}
      </div>
    );
  }
  let text: string;
  if (error.status === 0) text = t("errors.network");
  else if (error.status === 429) text = t("errors.tooMany");
  else if (error.status >= 500) text = t("errors.server", { status: error.status });
  else text = error.problem.detail ?? error.problem.title ?? t("errors.unknown");
  return (
    <div role="alert" className="notice notice-error">
      <span>{text}</span>
      {error.retryable && retry && (
        <button type="button" className="button-secondary" onClick={retry}>
          {t("errors.retry")}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" aria-live="polite">
      {t("common.loading")}
    </p>
  );
}
