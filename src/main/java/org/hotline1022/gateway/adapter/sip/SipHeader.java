package org.hotline1022.gateway.adapter.sip;

import java.util.Objects;

/**
 * One header line: the name in its full form (compact forms expanded, known names in their
 * canonical spelling, others as sent) and the value with folding undone and outer whitespace trimmed.
 */
public record SipHeader(String name, String value) {
  public SipHeader {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
