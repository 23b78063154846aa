// What the gateway answers, as this app reads it (gateway/openapi.json has the whole).

export type Aspect = "16:9" | "1:1" | "9:16";
export type Tier = "360p" | "480p" | "720p" | "1080p" | "1440p" | "2160p";
export const TIERS: Tier[] = ["360p", "480p", "720p", "1080p", "1440p", "2160p"];

export interface CatalogAspect {
  aspect: Aspect;
  width: number;
  height: number;
  cover_url: string | null;
}

export interface CatalogItem {
  id: string;
  version: number;
  name: string;
  description: string;
  tags: string[];
  category: { id: string; name?: string };
  engine: string;
  fps: number;
  duration_frames: number;
  length_seconds: number;
  aspects: CatalogAspect[];
  preview_url: string | null;
}

export interface Binding {
  name: string;
  type: "text" | "color" | "image" | "number" | string;
  label: string;
  labels: { fa?: string; en?: string };
  required: boolean;
  min_length?: number;
  max_length?: number;
  min?: number;
  max?: number;
  default?: unknown;
  defaults?: { fa?: unknown; en?: unknown };
  palette?: string[];
}

export interface Preset {
  name: string;
  names: { fa: string; en: string };
  values: Record<string, string>;
}

export interface TemplateDetail extends CatalogItem {
  bindings: Binding[];
  presets: Preset[];
  preview: { url: string; duration_seconds: number; frame_count: number } | null;
}

export interface Category {
  id: string;
  name: string;
  names: { fa: string; en: string };
}

export interface Quote {
  template: string;
  tier: Tier;
  length_seconds: number;
  tier_factor: number;
  charge_seconds: number;
  charge_rial: number;
  charge_toman: number;
}

export interface Render {
  id: string;
  template: string;
  aspect: Aspect;
  tier: Tier;
  state: "submitting" | "queued" | "rendering" | "succeeded" | "failed" | "cancelled";
  charge_seconds: number;
  charge_rial: number;
  progress?: { frames_done: number; total_frames: number; chunks_done: number; chunks_total: number };
  error?: string;
  waiting?: string;
  warnings?: string[];
  created_at: string;
  finished_at?: string;
  download_url?: string;
}

export interface Plan {
  id: string;
  name: { fa: string; en: string };
  price_rial: number;
  price_toman: number;
  included_seconds: number;
  rial_per_second: number;
  tier_factors: Record<string, number>;
}

export interface WalletEntry {
  id: number;
  kind: string;
  amount_rial: number;
  render_id?: string;
  reference?: string;
  created_at: string;
}

export interface Wallet {
  available_rial: number;
  held_rial: number;
  captured_rial: number;
  credited_rial: number;
  used_seconds_this_month: number;
  monthly_quota_seconds?: number;
  entries: WalletEntry[];
}

export interface Checkout {
  id: string;
  plan_id: string;
  amount_rial: number;
  state: "pending" | "paid" | "failed" | string;
  payment_url: string | null;
  ref_id: string | null;
  created_at: string;
}

export interface Upload {
  id: string;
  binding: string;
  content_type: string;
  size_bytes: number;
  width: number;
  height: number;
  filename: string | null;
  content_url: string;
}

export interface Me {
  tenant_id: string;
  user_id?: string;
  role: string;
  farm_admin: boolean;
}
