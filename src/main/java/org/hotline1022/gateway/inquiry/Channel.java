package org.hotline1022.gateway.inquiry;

import java.util.Locale;

/** The ways a citizen reaches the hotline. {@link #tag()} is the stored and metric value. */
public enum Channel {
  PHONE, WEB, EMAIL, ZALO, FACEBOOK;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stored or configured value ({@code "zalo"}); throws IllegalArgumentException if unknown. */
  public static Channel of(String tag) {
    return valueOf(tag.trim().toUpperCase(Locale.ROOT));
  }
}
