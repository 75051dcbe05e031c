/*
 * A simulated Stoflow browser extension, driven through the API's base URL exactly as the real
 * one is: it long-polls GET /api/plugin/tasks with its device token, "performs" each task on a
 * fake wardrobe, reports the result, and posts what it observes (a sale).
 *
 * Task payloads it understands (the queue itself keeps them opaque):
 *   publish        { item: { title, price, currency?, description? } }   (or those fields at the top)
 *   update         { vinted_item_id, item: { title, price, description… } }  (the whole item, as Vinted's edit form saves it; or `changes`)
 *   delete         { vinted_item_id }
 *   sync_wardrobe  {}  → observed.wardrobe
 *   sync_sales     {}  → observed.sold
 *
 * Faults, each for the next task it receives: `failNext({ status, retryable })` reports that
 * failure instead of doing the work, `crashNext()` takes the task and never reports (its lease
 * runs out), `duplicateNextResult()` reports the result twice.
 */
import { FakeWardrobe, type Sale } from './wardrobe';

export interface VintedMember {
  id: string;
  login: string;
  site: string;
}

export interface LeasedTask {
  id: string;
  kind: 'publish' | 'update' | 'delete' | 'sync_wardrobe' | 'sync_sales';
  listing_id: string | null;
  payload: Record<string, unknown>;
  attempt: number;
  not_before: string;
  lease_expires_at: string;
  expires_at: string | null;
}

export type TaskResult =
  | { ok: true; vinted_item_id?: string; url?: string; observed?: Record<string, unknown> }
  | { ok: false; status?: number; body?: string; retryable: boolean };

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface Report {
  task: LeasedTask;
  result: TaskResult;
  answer: Answer;
}

type Fault = { type: 'fail'; status?: number; retryable: boolean; body?: string } | { type: 'crash' } | { type: 'duplicate' };

export interface RunOptions {
  /** Stop once this holds (checked before each poll). */
  until: (extension: VintedExtensionSimulator) => boolean;
  /** Seconds each poll waits (default 1). */
  wait?: number;
  /** Fails the run past this (default 15 s). */
  timeoutMs?: number;
}

export class VintedExtensionSimulator {
  /** Every task handed to this device, in order. */
  readonly received: LeasedTask[] = [];
  /** Every result it sent, with the server's answer (twice for a duplicated one). */
  readonly reports: Report[] = [];
  /** Tasks it took and dropped (crash faults). */
  readonly crashed: LeasedTask[] = [];
  /** Observation batches it posted, with the answers. */
  readonly observations: { body: unknown; answer: Answer }[] = [];
  private readonly faults: Fault[] = [];
  private running: AbortController | null = null;

  constructor(
    readonly baseUrl: string,
    readonly device: { id: string; token: string; name: string },
    readonly member: VintedMember,
    readonly wardrobe: FakeWardrobe = new FakeWardrobe(member.site),
  ) {}

  async request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Answer> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Device ${this.device.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
  }

  /** Says which Vinted member it is signed in as (what the real extension does at start). */
  session(member: VintedMember = this.member): Promise<Answer> {
    return this.request('POST', '/api/plugin/session', { vinted_member_id: member.id, vinted_login: member.login, site: member.site });
  }

  /** One long-poll: the task leased to it, or null on 204. Throws on any other answer. */
  async poll(wait = 0, signal?: AbortSignal): Promise<LeasedTask | null> {
    const answer = await this.request('GET', `/api/plugin/tasks?wait=${wait}`, undefined, signal);
    if (answer.status === 204) return null;
    if (answer.status !== 200) throw new Error(`GET /api/plugin/tasks answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const task = answer.body as LeasedTask;
    this.received.push(task);
    return task;
  }

  failNext(fault: { status?: number; retryable: boolean; body?: string }): void {
    this.faults.push({ type: 'fail', ...fault });
  }

  crashNext(): void {
    this.faults.push({ type: 'crash' });
  }

  duplicateNextResult(): void {
    this.faults.push({ type: 'duplicate' });
  }

  /** Does the task on the fake wardrobe (no HTTP). */
  perform(task: LeasedTask): TaskResult {
    const p = task.payload;
    const id = typeof p.vinted_item_id === 'string' ? p.vinted_item_id : '';
    const notFound: TaskResult = { ok: false, status: 404, body: JSON.stringify({ code: 104, message: 'Item not found' }), retryable: false };
    switch (task.kind) {
      case 'publish': {
        const item = this.wardrobe.publish((p.item as Record<string, unknown> | undefined) ?? p);
        return { ok: true, vinted_item_id: item.vinted_item_id, url: item.url, observed: { status: item.status, title: item.title, price: item.price } };
      }
      case 'update': {
        const item = this.wardrobe.update(id, ((p.item ?? p.changes) as Record<string, unknown> | undefined) ?? {});
        return item ? { ok: true, vinted_item_id: id, url: item.url, observed: { title: item.title, price: item.price } } : notFound;
      }
      case 'delete':
        return this.wardrobe.delete(id) ? { ok: true, vinted_item_id: id } : notFound;
      case 'sync_wardrobe':
        return { ok: true, observed: { wardrobe: this.wardrobe.listed().map((i) => ({ vinted_item_id: i.vinted_item_id, title: i.title, price: i.price, status: i.status })) } };
      case 'sync_sales':
        return { ok: true, observed: { sold: this.wardrobe.sales } };
    }
  }

  async report(task: LeasedTask, result: TaskResult): Promise<Answer> {
    const answer = await this.request('POST', `/api/plugin/tasks/${task.id}/result`, result);
    this.reports.push({ task, result, answer });
    return answer;
  }

  /** Performs a received task (or the fault waiting for it) and reports. */
  async handle(task: LeasedTask): Promise<void> {
    const fault = this.faults.shift();
    if (fault?.type === 'crash') {
      this.crashed.push(task);
      return;
    }
    const result: TaskResult = fault?.type === 'fail' ? { ok: false, status: fault.status, body: fault.body ?? `Vinted answered ${fault.status ?? 'nothing'}`, retryable: fault.retryable } : this.perform(task);
    await this.report(task, result);
    if (fault?.type === 'duplicate') await this.report(task, result);
  }

  /** Polls, performs and reports until `until` holds; `stop()` ends it, cutting the poll in progress. */
  async run({ until, wait = 1, timeoutMs = 15_000 }: RunOptions): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    const timer = setTimeout(() => controller.abort(new Error('timeout')), timeoutMs);
    try {
      while (!until(this)) {
        let task: LeasedTask | null;
        try {
          task = await this.poll(wait, controller.signal);
        } catch (err) {
          if (!controller.signal.aborted) throw err;
          if (controller.signal.reason instanceof Error && controller.signal.reason.message === 'timeout') throw new Error(`the simulated extension ran ${timeoutMs} ms without its goal being met`);
          return;
        }
        if (task) await this.handle(task);
      }
    } finally {
      clearTimeout(timer);
      this.running = null;
    }
  }

  stop(): void {
    this.running?.abort();
  }

  observe(body: { observed_at?: string; sold?: unknown[]; removed?: unknown[]; wardrobe?: unknown[] }): Promise<Answer> {
    const full = { observed_at: body.observed_at ?? new Date().toISOString(), sold: body.sold ?? [], removed: body.removed ?? [], ...(body.wardrobe ? { wardrobe: body.wardrobe } : {}) };
    return this.request('POST', '/api/plugin/observations', full).then((answer) => {
      this.observations.push({ body: full, answer });
      return answer;
    });
  }

  /** A buyer buys the item on Vinted, and the extension reports the sale. */
  async sell(vintedItemId: string, orderId?: string): Promise<{ sale: Sale; answer: Answer }> {
    const sale = this.wardrobe.sell(vintedItemId, orderId);
    return { sale, answer: await this.observe({ sold: [sale] }) };
  }

  /** The tasks it reported on with this outcome. */
  succeeded(kind?: LeasedTask['kind']): Report[] {
    return this.reports.filter((r) => r.result.ok && r.answer.status === 200 && (kind === undefined || r.task.kind === kind));
  }
}
