package org.hotline1022.gateway.intake;

import java.time.Instant;
import java.util.List;

/**
 * What a citizen may see of their own inquiry with its tracking code: its status and the answers
 * meant for them. Nothing else (no notes, no routing, no other messages).
 */
public record CitizenStatus(String trackingCode, String status, Instant createdAt, List<Answer> answers) {

  public record Answer(String text, Instant at) {}
}
