package org.hotline1022.gateway.adapter.sip;

/**
 * Server transaction keys (RFC 3261 §17.2.3): top-Via branch + sent-by + method. An ACK for a
 * non-2xx answer and a CANCEL carry the INVITE's branch, so {@code forInvite} finds the INVITE
 * transaction from either. Branches without the magic cookie fall back to RFC 2543 matching on
 * Call-ID, From-tag and CSeq number.
 */
final class TransactionKeys {
  private TransactionKeys() {}

  static String of(SipMessage m, String method) {
    SipVia v = m.topVia();
    String b = v.rfc3261Branch() ? v.branch() : "2543|" + m.callId() + '|' + m.from().tag() + '|' + m.cseq().number();
    return b + '|' + v.sentBy().toLowerCase(java.util.Locale.ROOT) + '|' + method;
  }

  /** The key of the request's own transaction (ACK: the INVITE's). */
  static String own(SipMessage m) {
    String method = m.method();
    return of(m, method.equals("ACK") ? "INVITE" : method);
  }

  static String forInvite(SipMessage m) {
    return of(m, "INVITE");
  }
}
