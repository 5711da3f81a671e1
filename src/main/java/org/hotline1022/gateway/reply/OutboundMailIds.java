package org.hotline1022.gateway.reply;

import io.vertx.core.Future;

/**
 * Our outbound e-mail Message-IDs, recorded before a reply is sent, so that a citizen's answer
 * naming one of them in {@code In-Reply-To}/{@code References} joins the inquiry (the store looks
 * them up at intake). Implemented by the store; calls may come from any context.
 */
public interface OutboundMailIds {

  /**
   * What a reply is sent with.
   *
   * @param mailId the Message-ID to use (without brackets): the one recorded first for the message
   * @param mailboxName the configured mailbox the inquiry's latest citizen mail came in on, or null
   */
  record Prepared(String mailId, String mailboxName) {}

  /**
   * Records {@code candidate} as the Message-ID of outbound message {@code messageId} unless one is
   * recorded already (a retry), and answers the recorded one: every attempt sends the same id.
   */
  Future<Prepared> prepare(long messageId, long inquiryId, String candidate);

  /** Records nothing (tests without a database): the candidate is used, the mailbox is unknown. */
  OutboundMailIds NONE = (messageId, inquiryId, candidate) -> Future.succeededFuture(new Prepared(candidate, null));
}
