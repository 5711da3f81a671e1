package org.hotline1022.gateway.adapter.mail;

import java.util.function.Supplier;

/**
 * The mail intake's meters, behind a domain interface so only {@link MicrometerMailMetrics} knows
 * Micrometer. The {@code mailbox} tag is a configured mailbox name (a fixed set from config, never an
 * address). Called from event loops: implementations are thread-safe and non-blocking.
 */
public interface MailMetrics {

  /** Messages of one committed round (stored, duplicates and refused alike). */
  void fetched(String mailbox, int messages);

  /** A connection dropped or could not be opened (the reader reconnects with backoff). */
  void reconnect(String mailbox);

  /** The after-commit step (Seen flag or move) failed for a round; the mail itself is stored. */
  void afterCommitFailed(String mailbox);

  /**
   * Gauges of one mailbox's reader.
   *
   * @param connected 1 while this process holds an open connection to it, else 0
   * @param lagSeconds seconds since the reader was last known caught up (0 while it is)
   */
  void reader(String mailbox, Supplier<Number> connected, Supplier<Number> lagSeconds);

  MailMetrics NOOP = new MailMetrics() {
    @Override
    public void fetched(String mailbox, int messages) {}

    @Override
    public void reconnect(String mailbox) {}

    @Override
    public void afterCommitFailed(String mailbox) {}

    @Override
    public void reader(String mailbox, Supplier<Number> connected, Supplier<Number> lagSeconds) {}
  };
}
