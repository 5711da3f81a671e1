package org.hotline1022.gateway.app;

import java.time.Duration;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.inquiry.Priority;
import org.hotline1022.gateway.inquiry.Topic;
import org.hotline1022.gateway.intake.Submission;
import org.hotline1022.gateway.intake.Triage;

/** Builds the triage from conf/ (classifier, routing, threading windows). */
final class Triages {
  private Triages() {}

  static Triage fromConfig(GatewayConfig config) {
    // replaced by the classifier and routing tables once they land (same session)
    return inbound -> new Submission(inbound, Topic.OTHER, Priority.NORMAL, "VPUBND",
        inbound.receivedAt().plus(Duration.ofHours(24)), config.threadingWindows().get(inbound.channel()));
  }
}
