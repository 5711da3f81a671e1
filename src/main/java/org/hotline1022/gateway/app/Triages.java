package org.hotline1022.gateway.app;

import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.inquiry.Classifier;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.intake.ClassifierTriage;
import org.hotline1022.gateway.intake.Triage;

/** Builds the triage from conf/ (classifier.yaml, routing.yaml) and the threading windows. Blocking: startup only. */
final class Triages {
  private Triages() {}

  static Triage fromConfig(GatewayConfig config, Routing routing) {
    return new ClassifierTriage(Classifier.load(), routing, config.threadingWindows());
  }
}
