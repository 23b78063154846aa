import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, tokens } from "../api";
import { number } from "../format";
import type { Binding, Upload } from "../types";
import { Field } from "./Field";

interface Props {
  binding: Binding;
  value: string;
  error?: string;
  signedIn: boolean;
  onChange: (value: string) => void;
}

/** Characters as the gateway counts them (code points), so an emoji or a ZWNJ counts once. */
function length(text: string): number {
  return [...text].length;
}

export function BindingField({ binding, value, error, signedIn, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const label = (i18n.language === "en" ? binding.labels.en : binding.labels.fa) ?? binding.label ?? binding.name;
  if (binding.type === "color") {
    return (
      <Field label={label} error={error}>
        {(aria) => (
          <div className="color-field">
            <input
              {...aria}
              type="color"
              value={/^#[0-9a-fA-F]{6}$/.test(value) ? value : "#000000"}
              onChange={(e) => onChange(e.target.value)}
            />
            {binding.palette && binding.palette.length > 0 && (
              <div className="palette" role="group" aria-label={t("editor.palette", { name: label })}>
                {binding.palette.map((colour) => (
                  <button
                    type="button"
                    key={colour}
                    className="swatch"
                    style={{ background: colour }}
                    aria-label={colour}
                    aria-pressed={value.toLowerCase() === colour.toLowerCase()}
                    onClick={() => onChange(colour)}
                  />
                ))}
              </div>
            )}
          </div>
        )}
      </Field>
    );
  }
  if (binding.type === "image") {
    return <ImageField label={label} error={error} signedIn={signedIn} value={value} onChange={onChange} />;
  }
  if (binding.type === "number") {
    return (
      <Field label={label} error={error}>
        {(aria) => (
          <input
            {...aria}
            type="number"
            inputMode="numeric"
            min={binding.min}
            max={binding.max}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </Field>
    );
  }
  const max = binding.max_length;
  const count = length(value);
  const over = max !== undefined && count > max;
  const hint = max !== undefined && (
    <span className={over ? "counter counter-over" : "counter"} aria-live="polite">
      {t("editor.counter", { count: number(count), max: number(max) })}
    </span>
  );
  return (
    <Field label={label} error={error ?? (over ? t("editor.tooLong", { max: number(max!) }) : undefined)} hint={hint}>
      {(aria) => (
        <input
          {...aria}
          type="text"
          dir="auto"
          name={binding.name}
          value={value}
          required={binding.required}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A logo or a picture: uploaded at once (with its progress), bound by its upload:<id>. */
function ImageField({
  label,
  error,
  signedIn,
  value,
  onChange,
}: {
  label: string;
  error?: string;
  signedIn: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<string>();
  const [name, setName] = useState<string>();

  const upload = async (file: File) => {
    setUploadError(undefined);
    if (tokens.refreshDue()) await tokens.refresh();
    const send = () =>
      new Promise<Upload>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", `/v1/uploads?filename=${encodeURIComponent(file.name)}`);
        xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
        const access = tokens.accessToken();
        if (access) xhr.setRequestHeader("Authorization", `Bearer ${access}`);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) setProgress(Math.round((100 * e.loaded) / e.total));
        };
        xhr.onload = () => {
          let body: unknown = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            /* not JSON */
          }
          if (xhr.status >= 200 && xhr.status < 300) resolve(body as Upload);
          else reject(new ApiError({ ...(body as object), status: xhr.status }));
        };
        xhr.onerror = () => reject(new ApiError({ status: 0, title: "network" }));
        xhr.send(file);
      });
    setProgress(0);
    try {
      let result: Upload;
      try {
        result = await send();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401 && (await tokens.refresh())) result = await send();
        else throw e;
      }
      setName(result.filename ?? file.name);
      onChange(result.binding);
    } catch (e) {
      const problem = e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) });
      setUploadError(problem.status === 0 ? t("errors.network") : (problem.problem.detail ?? problem.problem.title));
    } finally {
      setProgress(null);
    }
  };

  return (
    <Field
      label={label}
      error={error ?? uploadError}
      hint={
        progress !== null ? (
          <progress max={100} value={progress} aria-label={t("editor.uploading")}>
            {progress}%
          </progress>
        ) : value.startsWith("upload:") ? (
          t("editor.uploaded", { name: name ?? value.slice(7, 15) })
        ) : (
          t("editor.imageHint")
        )
      }
    >
      {(aria) => (
        <input
          {...aria}
          type="file"
          accept="image/png,image/jpeg,image/svg+xml"
          disabled={!signedIn || progress !== null}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
          }}
        />
      )}
    </Field>
  );
}
