package org.hotline1022.gateway.reply;

/** Event-bus addresses of the reply outbox. */
public final class OutboxSignals {
  /**
   * Publish (local, any body or null) after committing an outbox row, so this process's dispatcher
   * starts delivering at once instead of at its next poll: {@code vertx.eventBus().publish(WAKE, null)}.
   */
  public static final String WAKE = "hotline.outbox.wake";

  private OutboxSignals() {}
}
