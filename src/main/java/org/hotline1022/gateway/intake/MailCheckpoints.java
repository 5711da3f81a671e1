package org.hotline1022.gateway.intake;

import io.vertx.core.Future;

/**
 * Where the mail intake resumes: per mailbox, the UIDVALIDITY it read under and the highest UID
 * whose message (and every one below it) is committed; and who may read the mailbox: a lease held by
 * one gateway process at a time, so replicas do not all read the same mailbox. Implemented by the
 * store, reached by the mail adapter through this interface only. Calls may come from any context.
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

  /**
   * Takes the mailbox's lease for {@code owner}, or renews it, for {@code seconds}. Succeeds with
   * true when {@code owner} holds it afterwards, false when another live owner does (a lease expires
   * {@code seconds} after its owner's last renewal, so a dead process is taken over).
   */
  Future<Boolean> lease(String mailbox, String owner, int seconds);

  /** Gives the lease up at once (graceful stop) if {@code owner} holds it. */
  Future<Void> release(String mailbox, String owner);
}
