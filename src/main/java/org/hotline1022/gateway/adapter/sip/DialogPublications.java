package org.hotline1022.gateway.adapter.sip;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * PUBLISH for {@code Event: dialog} (RFC 3903), as Kamailio/OpenSIPS {@code pua_dialoginfo} send it.
 * An initial PUBLISH (body, no {@code SIP-If-Match}) opens a publication; each success mints a new
 * entity-tag ({@code SIP-ETag}) and the publication's earlier tags stay valid until it expires,
 * since some senders keep quoting the first one. An unknown {@code SIP-If-Match} gets 412,
 * {@code Expires: 0} removes the publication, an out-of-order version is answered 200 and ignored.
 * Entries are bounded (503 beyond) and swept when they expire. Confined to the listener's event loop.
 */
final class DialogPublications {

  /** The answer to one PUBLISH: status, and for 200 the entity-tag and granted expiry. */
  record Answer(int status, String etag, int expires) {}

  private static final class Publication {
    long version = -1;
    long expiresAt;
  }

  private final DialogInfoParser parser;
  private final DialogSignals signals;
  private final SipUasMetrics metrics;
  private final int maxExpires;
  private final int maxEntries;
  /** Entity-tag → publication (several tags may name one publication). */
  private final Map<String, Publication> byTag = new HashMap<>();

  DialogPublications(DialogInfoParser parser, DialogSignals signals, SipUasMetrics metrics, int maxExpires, int maxEntries) {
    this.parser = parser;
    this.signals = signals;
    this.metrics = metrics;
    this.maxExpires = maxExpires;
    this.maxEntries = maxEntries;
  }

  int size() {
    return byTag.size();
  }

  Answer publish(SipMessage m, long nowMs) {
    String ifMatch = m.header("SIP-If-Match");
    int expires = expires(m.header("Expires"));
    if (expires < 0) {
      return new Answer(400, null, 0);
    }
    Publication p;
    if (ifMatch != null) {
      p = byTag.get(ifMatch.trim());
      if (p == null || p.expiresAt < nowMs) {
        return new Answer(412, null, 0);
      }
      if (expires == 0) {
        byTag.values().removeIf(x -> x == p);
        return new Answer(200, ifMatch.trim(), 0);
      }
    } else {
      if (m.bodyLength() == 0 || expires == 0) {
        return new Answer(400, null, 0); // an initial PUBLISH carries state (RFC 3903 §6 step 4)
      }
      p = new Publication();
    }
    if (byTag.size() >= maxEntries) {
      sweep(nowMs);
      if (byTag.size() >= maxEntries) {
        return new Answer(503, null, 0);
      }
    }
    if (m.bodyLength() > 0) {
      DialogInfo doc;
      try {
        doc = parser.parse(m.body());
      } catch (DialogInfoException e) {
        metrics.document(SipUasMetrics.DocumentOutcome.INVALID);
        metrics.malformed("body", "dialog_info_" + e.reason().tag());
        return new Answer(400, null, 0);
      }
      if (doc.version() <= p.version) {
        metrics.document(SipUasMetrics.DocumentOutcome.STALE);
      } else {
        p.version = doc.version();
        signals.apply(doc);
        metrics.document(SipUasMetrics.DocumentOutcome.APPLIED);
      }
    }
    int granted = Math.min(expires, maxExpires);
    p.expiresAt = nowMs + granted * 1000L;
    String tag = SipResponses.newTag();
    byTag.put(tag, p);
    return new Answer(200, tag, granted);
  }

  /** Drops expired publications (all their tags). */
  void sweep(long nowMs) {
    for (Iterator<Publication> it = byTag.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresAt < nowMs) {
        it.remove();
      }
    }
  }

  /** The requested lifetime: the Expires header, 3600 when absent, -1 when not a number. */
  private static int expires(String header) {
    if (header == null) {
      return 3600;
    }
    String t = header.trim();
    if (t.isEmpty() || t.length() > 10 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return (int) Math.min(Long.parseLong(t), Integer.MAX_VALUE);
  }
}
