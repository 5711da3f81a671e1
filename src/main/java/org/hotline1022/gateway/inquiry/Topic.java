package org.hotline1022.gateway.inquiry;

import java.util.Locale;

/** The hotline's remit (DESIGN §2); {@link #code()} is the stored, configured and metric value. */
public enum Topic {
  REGULATIONS,
  EPIDEMIOLOGY_QUARANTINE,
  MEDICAL,
  SOCIAL_WELFARE,
  HUMANITARIAN,
  TRANSPORT_TRADE,
  SECURITY_ORDER,
  SUSPECTED_INFECTION,
  TRAVELERS,
  OTHER;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a code such as {@code "social_welfare"}; throws IllegalArgumentException if unknown. */
  public static Topic of(String code) {
    return valueOf(code.trim().toUpperCase(Locale.ROOT));
  }
}
