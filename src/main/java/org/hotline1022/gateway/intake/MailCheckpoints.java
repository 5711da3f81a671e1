package org.hotline1022.gateway.intake;

import io.vertx.core.Future;

/**
 * Where the mail intake resumes: per mailbox, the UIDVALIDITY it read under and the highest UID
 * whose message (and every one below it) is committed. Implemented by the store, reached by the
 * mail adapter through this interface only. Calls may come from any context.
 */
public interface MailCheckpoints {

  /** A mailbox's position; {@code lastUid} 0 means nothing read yet under that UIDVALIDITY. */
  record Checkpoint(String mailbox, long uidValidity, long lastUid) {}

  /** The saved position, or null when the mailbox was never read. */
  Future<Checkpoint> load(String mailbox);

  /**
   * Saves a position. Never moves backwards under the same UIDVALIDITY (two writers, a late save);
   * a new UIDVALIDITY replaces the old position.
   */
  Future<Void> save(Checkpoint checkpoint);
}
