package org.hotline1022.gateway.inquiry;

import java.util.Locale;

/** Urgent means life or health at stake now; everything else is normal. */
public enum Priority {
  NORMAL, URGENT;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Priority of(String code) {
    return valueOf(code.trim().toUpperCase(Locale.ROOT));
  }
}
