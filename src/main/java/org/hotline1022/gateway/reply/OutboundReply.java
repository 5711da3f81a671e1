package org.hotline1022.gateway.reply;

import org.hotline1022.gateway.inquiry.Channel;

/**
 * One agent answer to deliver, as claimed from the outbox with what every channel needs to address
 * it. {@link #toString()} shows ids only: the text and the contact are personal data.
 *
 * @param outboxId the outbox row; stable across attempts, usable as an idempotency key
 * @param messageId the outbound message (direction {@code out})
 * @param inquiryId the inquiry answered
 * @param trackingCode the citizen's tracking code of that inquiry
 * @param channel the channel to answer on (the outbox row's); null only for a row naming an unknown
 *     channel, which is never handed to a sender
 * @param text the answer
 * @param subject the answer's subject, or null (e-mail falls back to the inquiry's)
 * @param contactAddress the channel address: E.164 phone, e-mail, Zalo user id, Facebook PSID, web token
 * @param contactName the citizen's display name, or null
 * @param threadKey the inquiry's thread key (e-mail References root, chat user id), or null
 * @param inReplyTo the external id of the inquiry's latest inbound message (e-mail
 *     {@code In-Reply-To}, Facebook/Zalo message id), or null if it has none
 * @param attempts attempts including this one (1 on the first)
 */
public record OutboundReply(long outboxId, long messageId, long inquiryId, String trackingCode, Channel channel, String text,
    String subject, String contactAddress, String contactName, String threadKey, String inReplyTo, int attempts) {

  @Override
  public String toString() {
    return "OutboundReply[outboxId=" + outboxId + ", messageId=" + messageId + ", inquiryId=" + inquiryId + ", channel="
        + (channel == null ? "unknown" : channel.tag()) + ", attempts=" + attempts + "]";
  }
}
