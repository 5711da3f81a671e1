package org.hotline1022.gateway.adapter.webhook;

import java.util.List;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * One webhook request, parsed.
 *
 * @param inbounds the citizens' messages it carries, in order; each is submitted to intake
 * @param ignored one fixed kind word per event that is not an inquiry ({@code echo}, {@code delivery},
 *     {@code read}, {@code follow}, {@code unknown}, ...): counted, never stored
 */
public record Delivery(List<Inbound> inbounds, List<String> ignored) {
  public Delivery {
    inbounds = List.copyOf(inbounds);
    ignored = List.copyOf(ignored);
  }
}
