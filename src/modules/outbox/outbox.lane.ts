/**
 * One kind of work the outbox worker does (emails, webhook deliveries). The worker turns each lane
 * in a loop of its own, so that a slow mail server never holds back webhooks, nor a slow endpoint
 * the emails; a lane idles until its next poll when a turn found nothing to do.
 */
export interface WorkerLane {
  readonly name: string;
  /** One turn of work; true when there was some (the lane turns again at once). */
  turn(stopping: AbortSignal): Promise<boolean>;
  /** Called once the lane's loop has ended: lets what is in flight finish. */
  drain(): Promise<void>;
  /** Subscribes to whatever should end the lane's idle wait early; returns the unsubscribe. */
  wakeOn?(wake: () => void): () => void;
}
