package org.hotline1022.gateway.inquiry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One contact from one channel, normalized by its adapter (DESIGN §2). Immutable: it crosses event
 * loops on its way to the writer.
 *
 * @param externalId the channel's own id ({@code msg_id}, {@code mid}, Message-ID, Call-ID, form
 *     submission id); {@code (channel, externalId)} is unique in the store
 * @param threadKey how messages of one conversation are recognised (null: the contact itself)
 * @param newThread true when this must open a new inquiry whatever the threading window says (web forms)
 * @param district the citizen's district when known (routing to district committees), else null
 * @param raw the provider payload as received, for audit (may be null)
 * @param facts channel facts (call outcome, e-mail headers that matter); never null
 */
public record Inbound(
    Channel channel,
    String externalId,
    Instant receivedAt,
    Contact contact,
    String threadKey,
    boolean newThread,
    String district,
    String subject,
    String text,
    List<Attachment> attachments,
    String raw,
    Map<String, String> facts) {

  public Inbound {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(contact, "contact");
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
    facts = facts == null ? Map.of() : Map.copyOf(facts);
    text = text == null ? "" : text;
  }
}
