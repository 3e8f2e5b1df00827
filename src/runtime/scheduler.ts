/**
 * The per-thread task scheduler: gives each runnable task a bounded turn, then yields to the event
 * loop (so channel messages, credits, timers and control messages get in), and sleeps when no
 * task can make progress until something wakes it.
 */
import type { StreamTask } from "./task.ts";

/** Records a task may process per turn before it yields. */
export const DEFAULT_FUEL = 4096;

/** Runs the tasks of one thread cooperatively. */
export class TaskScheduler {
  private readonly tasks: StreamTask[] = [];
  private scheduled = false;
  private stopped = false;
  private readonly fuel: number;

  /** Creates a scheduler giving `fuel` records per task turn. */
  constructor(fuel = DEFAULT_FUEL) {
    this.fuel = fuel;
  }

  /** Adds a task. */
  add(task: StreamTask): void {
    this.tasks.push(task);
  }

  /** Requests a round of turns soon. */
  wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.tick);
  }

  /** Stops scheduling (cancellation or the end of the job). */
  stop(): void {
    this.stopped = true;
  }

  private readonly tick = (): void => {
    this.scheduled = false;
    if (this.stopped) return;
    let again = false;
    for (let i = 0; i < this.tasks.length; i++) {
      const t = this.tasks[i]!;
      if (t.isRunnable()) {
        t.runTurn(this.fuel);
        if (t.isRunnable()) again = true;
      }
    }
    if (again) this.wake();
  };
}
