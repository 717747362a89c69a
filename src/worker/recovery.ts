import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import { startSendWorkflow } from '../temporal/client';

/**
 * The safety net behind "nothing is lost": a message is stored PENDING before its workflow is
 * started, so if Temporal was unreachable at that moment (the API answered 503 and the caller may
 * never retry) the message would wait forever. This sweep finds PENDING messages whose workflow never
 * ran its first step and starts them; starting is idempotent, so a race with a late start is harmless.
 */
export class RecoverySweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly options: { db: Db; temporal: Client; taskQueue: string; logger: Logger; graceMs?: number; intervalMs?: number },
  ) {}

  /** One pass; returns how many workflows it (re)started. */
  async sweepOnce(): Promise<number> {
    const grace = this.options.graceMs ?? 30_000;
    const stale = await this.options.db.$queryRaw<{ id: string; scene_code: string }[]>`
      select m.id, m.scene_code from message m
      where m.status = 'PENDING' and m.created_at < now() - make_interval(secs => ${grace / 1000})
        and not exists (select 1 from message_event e where e.message_id = m.id and e.event_key = 'route.planned')
      order by m.created_at
      limit 200`;
    let started = 0;
    for (const row of stale) {
      try {
        await startSendWorkflow(this.options.temporal, { messageId: row.id, scene: row.scene_code, taskQueue: this.options.taskQueue });
        started++;
      } catch (error) {
        this.options.logger.warn({ messageId: row.id, err: error }, 'recovery could not start the workflow; next sweep retries');
        break;
      }
    }
    if (started > 0) this.options.logger.info({ started }, 'recovery started workflows for stranded messages');
    return started;
  }

  start(): void {
    const tick = () => {
      this.running = this.sweepOnce()
        .catch((error) => this.options.logger.warn({ err: error }, 'recovery sweep failed'))
        .finally(() => (this.timer = setTimeout(tick, this.options.intervalMs ?? 30_000)));
    };
    this.timer = setTimeout(tick, this.options.intervalMs ?? 30_000);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    clearTimeout(this.timer);
  }
}
