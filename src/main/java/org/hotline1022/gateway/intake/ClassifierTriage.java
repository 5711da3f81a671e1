package org.hotline1022.gateway.intake;

import java.time.Duration;
import java.util.Map;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Classification;
import org.hotline1022.gateway.inquiry.Classifier;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.inquiry.Routing;

/**
 * The production triage: the keyword classifier on subject and text, then routing (department by
 * topic and district) and the due time by topic and priority. Immutable, so one instance serves
 * every event loop.
 */
public final class ClassifierTriage implements Triage {
  private final Classifier classifier;
  private final Routing routing;
  private final Map<Channel, Duration> windows;

  public ClassifierTriage(Classifier classifier, Routing routing, Map<Channel, Duration> windows) {
    this.classifier = classifier;
    this.routing = routing;
    this.windows = Map.copyOf(windows);
  }

  @Override
  public Submission triage(Inbound inbound) {
    String text = inbound.subject() == null ? inbound.text() : inbound.subject() + "\n" + inbound.text();
    Classification c = classifier.classify(text);
    return new Submission(inbound, c.topic(), c.priority(), routing.department(c.topic(), inbound.district()),
        routing.dueAt(c.topic(), c.priority(), inbound.receivedAt()), windows.getOrDefault(inbound.channel(), Duration.ZERO));
  }
}
