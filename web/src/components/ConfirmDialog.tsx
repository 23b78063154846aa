import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api";
import { ErrorNotice } from "./Notice";

/**
 * A confirmation before an operator's action, in the native <dialog> (focus kept inside, Escape
 * closes it): what will happen, a reason for the audit log, and any fields of the action's own.
 */
export function ConfirmDialog({
  open,
  title,
  message,
  confirmLabel,
  reason = "optional",
  danger = false,
  busy,
  error,
  onConfirm,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  message?: ReactNode;
  confirmLabel: string;
  reason?: "none" | "optional" | "required";
  danger?: boolean;
  busy?: boolean;
  error?: ApiError;
  onConfirm: (reason: string) => void;
  onClose: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [text, setText] = useState("");
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setText("");
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);
  const missing = reason === "required" && text.trim() === "";
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!missing) onConfirm(text.trim());
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {message && <div className="confirm-message">{message}</div>}
        {children}
        {reason !== "none" && (
          <div className="field">
            <label htmlFor={`${id}-reason`}>
              {reason === "required" ? t("console.reasonRequired") : t("console.reason")}
            </label>
            <input
              id={`${id}-reason`}
              type="text"
              dir="auto"
              value={text}
              required={reason === "required"}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
        )}
        <ErrorNotice error={error} />
        <div className="confirm-buttons">
          <button type="submit" className={danger ? "button-danger" : "button-primary"} disabled={busy || missing}>
            {confirmLabel}
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            {t("console.back")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
