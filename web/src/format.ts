import { currentLang } from "./i18n";

// Numbers, money and dates as a reader of the page's language expects them: Persian digits,
// Toman and the Persian (Solar Hijri) calendar in fa; Western digits and the Gregorian calendar
// in en.

function locale(): string {
  return currentLang() === "fa" ? "fa-IR" : "en-US";
}

export function number(value: number, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale(), {
    maximumFractionDigits: fractionDigits,
    minimumFractionDigits: 0,
  }).format(value);
}

/** Rial as Toman (a tenth), the unit Iranians price in. */
export function toman(rial: number): string {
  const amount = number(Math.round(rial / 10));
  return currentLang() === "fa" ? `${amount} تومان` : `${amount} Toman`;
}

export function percent(value: number): string {
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(value / 100);
}

export function dateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const tag = currentLang() === "fa" ? "fa-IR-u-ca-persian" : "en-GB";
  return new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function date(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const tag = currentLang() === "fa" ? "fa-IR-u-ca-persian" : "en-GB";
  return new Intl.DateTimeFormat(tag, { dateStyle: "long" }).format(d);
}

/** A duration in milliseconds as m:ss (hh:mm:ss past an hour), in the page's digits. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => number(n).padStart(2, currentLang() === "fa" ? "۰" : "0");
  return h > 0 ? `${number(h)}:${pad(m)}:${pad(s)}` : `${number(m)}:${pad(s)}`;
}

/** An aspect ratio for display (9:16 reads left to right in both languages). */
export function aspect(value: string): string {
  return value.split(":").map((n) => number(Number(n))).join(":");
}

/** A string's ASCII digits in the page's digits (a reference number: never through a float). */
export function digits(text: string): string {
  if (currentLang() !== "fa") return text;
  return text.replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]);
}

/** How long ago (or ahead) a moment is, in words: "3 minutes ago", "۳ دقیقه پیش". */
export function relative(iso: string, now = Date.now()): string {
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((at - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, "second");
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86400), "day");
}

/** A size in bytes as KB, MB, GB … (powers of 1024), in the page's digits. */
export function bytes(value: number): string {
  const units = currentLang() === "fa" ? ["بایت", "کیلوبایت", "مگابایت", "گیگابایت", "ترابایت"] : ["B", "KB", "MB", "GB", "TB"];
  let n = value;
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${number(n, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A time of day (for a chart's axis), in the page's digits. */
export function timeOfDay(ms: number): string {
  const tag = currentLang() === "fa" ? "fa-IR" : "en-GB";
  return new Intl.DateTimeFormat(tag, { hour: "2-digit", minute: "2-digit" }).format(new Date(ms));
}
