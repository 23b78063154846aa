// The operators' console's view of the admin API (/work/notes/console-api.md, issue 21).

export type NodeState = "online" | "draining" | "offline" | "disabled" | "quarantined";

export interface Resources {
  cpu_load: number;
  load_average: number | null;
  memory_used_bytes: number;
  memory_total_bytes: number;
  disk_free_bytes: number;
  gpu_present: boolean;
  gpu_load: number | null;
  gpu_memory_used_bytes: number | null;
  sampled_at: string;
}

export interface Cache {
  hits: number;
  misses: number;
  hit_rate: number | null;
  used_bytes: number;
  budget_bytes: number;
  entries: number;
}

export interface FarmNode {
  id: string;
  name: string;
  hostname: string;
  version: string;
  state: NodeState | string;
  engines: string[];
  capabilities: string[];
  slots: number;
  running_chunks: number;
  connected: boolean;
  last_seen_at: string | null;
  quarantine_reason: string | null;
  resources: Resources | null;
  cache: Cache | null;
}

export interface HealthSample {
  recorded_at: string;
  cpu_load: number | null;
  load_average: number | null;
  memory_used_bytes: number | null;
  memory_total_bytes: number | null;
  disk_free_bytes: number | null;
  gpu_load: number | null;
  gpu_memory_used_bytes: number | null;
  running_chunks: number | null;
}

export const JOB_STATES = ["queued", "running", "assembling", "paused", "succeeded", "failed", "cancelled"] as const;

export interface Job {
  id: string;
  tenant_id: string;
  template_id: string;
  template_version: number;
  engine: string;
  aspect: string;
  tier: string;
  fps: number;
  state: string;
  priority: number;
  total_frames: number;
  frames_done: number;
  chunks_total: number;
  chunks_done: number;
  chunk_frames: number;
  chunk_plan: string | null;
  error: string | null;
  waiting_reason: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface Chunk {
  id: string;
  seq: number;
  /** "frames" (a range of the video) or "audio" (the whole soundtrack, once). */
  task?: string;
  first_frame: number;
  last_frame: number;
  state: string;
  attempt: number;
  node_name: string | null;
  frames_done: number;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

export interface Crash {
  id: string;
  node_name: string | null;
  job_id: string | null;
  chunk_id: string | null;
  attempt: number | null;
  engine: string | null;
  kind: string;
  exit_code: number | null;
  signal: string | null;
  message: string | null;
  log_tail: string | null;
  created_at: string;
}

export interface Repair {
  id: string;
  job_id: string;
  chunk_id: string | null;
  attempt: number | null;
  first_frame: number;
  last_frame: number;
  tier: string | null;
  detected_by: string | null;
  reason: string | null;
  state: string;
  created_at: string;
  finished_at: string | null;
}

export interface JobDetail extends Job {
  chunks: Chunk[];
  repairs: Repair[];
  crashes: Crash[];
}

export interface Farm {
  nodes: FarmNode[];
  jobs: Job[];
}

export interface Tenant {
  id: string;
  name: string;
  kind: string;
  plan: string | null;
  balance_rial: number;
  members: number;
  renders_30d: number;
  render_seconds_30d: number;
  spent_rial_30d: number;
  created_at: string;
}

export interface ClientApp {
  id: string;
  name: string;
  return_urls: string[];
  webhook_url: string | null;
  merchant_id: string | null;
  currency_unit: "IRR" | "IRT" | null;
  disabled: boolean;
  created_at: string;
}

export interface Issued {
  client: ClientApp;
  api_key?: string;
  hmac_secret?: string;
  webhook_secret?: string;
  note?: string;
}

export interface Transaction {
  id: string;
  client_id: string;
  order_id: string;
  amount: number;
  currency: string;
  description: string;
  metadata: { mobile?: string; email?: string };
  status: string;
  authority: string | null;
  payment_url: string | null;
  ref_id: string | null;
  card_pan: string | null;
  card_hash: string | null;
  fee: number | null;
  fee_type: string | null;
  failure: { code: number | null; message: string | null } | null;
  last_error: string | null;
  paid_after: string | null;
  created_at: string;
  expires_at: string;
  paid_at: string | null;
  buyer_status: string | null;
  verify_attempts: number;
  attention: { message: string; since: string | null } | null;
}

export const TX_STATUSES = ["pending", "paid", "failed", "cancelled", "expired"] as const;

/** A template version as the templates admin shows it. */
export interface AdminTemplate {
  id: string;
  version: number;
  current: boolean;
  tenant_id: string;
  hidden: boolean;
  name_fa: string;
  name_en: string;
  engine: string;
  engines_available: string[];
  fps: number;
  duration_frames: number;
  aspects: { aspect: string; width: number; height: number; composition: string }[];
  package_sha256: string;
  package_bytes: number;
  source_sha256: string;
  created_at: string | null;
  cached_on: { node: string; size_bytes: number; hits: number }[];
}

export interface AdminTemplateMedia {
  kind: "cover" | "preview";
  aspect: string;
  template_version: number;
  current: boolean;
  sha256: string;
  content_type: string;
  size_bytes: number;
  width: number;
  height: number;
  url: string;
  duration_millis?: number;
  frame_count?: number;
}

export interface AdminTemplateDetail {
  template: AdminTemplate;
  versions: AdminTemplate[];
  in_catalog: boolean;
  media: AdminTemplateMedia[];
}
