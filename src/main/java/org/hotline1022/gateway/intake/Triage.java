package org.hotline1022.gateway.intake;

import org.hotline1022.gateway.inquiry.Inbound;

/** Classification, routing and due time for one inbound contact. Pure and fast: runs on event loops. */
@FunctionalInterface
public interface Triage {
  Submission triage(Inbound inbound);
}
