package org.hotline1022.gateway.adapter.mail;

/**
 * Where a mailbox reader reports whether it is working, for readiness: {@code ready} is false only
 * before its first lease decision and when its loop is stuck (no progress for longer than an IDLE
 * renewal plus timeouts). An unreachable server is not "unready": the reader keeps retrying with
 * bounded backoff, and restarting or removing the pod would not help; {@code state} shows it.
 */
@FunctionalInterface
public interface MailboxStatus {

  /** @param state {@code starting}, {@code connecting}, {@code reading}, {@code reconnecting}, {@code standby} or {@code stuck} */
  void report(String mailbox, boolean ready, String state);

  MailboxStatus NONE = (mailbox, ready, state) -> {};
}
