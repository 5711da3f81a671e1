package org.hotline1022.gateway.adapter.sip;

import org.hotline1022.gateway.adapter.sip.SipParseException.Reason;

/** A parsed CSeq: sequence number (0..2^31-1, RFC 3261 §8.1.1.5) and method. */
public record SipCSeq(long number, String method) {

  /** Parses "number method" (any amount of linear whitespace between). */
  public static SipCSeq parse(String value) throws SipParseException {
    String s = value.strip();
    int sp = 0;
    while (sp < s.length() && s.charAt(sp) >= '0' && s.charAt(sp) <= '9') {
      sp++;
    }
    if (sp == 0 || sp > 10 || sp == s.length() || (s.charAt(sp) != ' ' && s.charAt(sp) != '\t')) {
      throw new SipParseException(Reason.BAD_CSEQ, "CSeq is not \"number method\"");
    }
    long number = Long.parseLong(s.substring(0, sp));
    String method = s.substring(sp).strip();
    if (number > Integer.MAX_VALUE || !SipHeaderNames.isToken(method)) {
      throw new SipParseException(Reason.BAD_CSEQ, "CSeq number or method out of range");
    }
    return new SipCSeq(number, method);
  }

  @Override
  public String toString() {
    return number + " " + method;
  }
}
