package org.hotline1022.gateway.adapter.sip;

import java.util.List;
import java.util.Locale;

/**
 * One {@code application/dialog-info+xml} document (RFC 4235 §4), reduced to what call tracking
 * needs. Built only by {@link DialogInfoParser}.
 *
 * @param version the document version; increases by one per document within one subscription or publication
 * @param full true for {@code state="full"}, false for {@code partial}
 * @param entity the monitored URI (an agent, a queue, the hotline number)
 * @param dialogs the dialogs reported, in document order
 */
public record DialogInfo(long version, boolean full, String entity, List<Dialog> dialogs) {

  public DialogInfo {
    dialogs = List.copyOf(dialogs);
  }

  /** The dialog states of RFC 4235 §3.7.1. */
  public enum State {
    TRYING, PROCEEDING, EARLY, CONFIRMED, TERMINATED;

    static State parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "trying" -> TRYING;
        case "proceeding" -> PROCEEDING;
        case "early" -> EARLY;
        case "confirmed" -> CONFIRMED;
        case "terminated" -> TERMINATED;
        default -> null;
      };
    }
  }

  /** Why a dialog terminated ({@code <state event=...>}); {@code null} when not given. */
  public enum Event {
    CANCELLED, REJECTED, REPLACED, LOCAL_BYE, REMOTE_BYE, ERROR, TIMEOUT;

    static Event parse(String s) {
      if (s == null) {
        return null;
      }
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "cancelled" -> CANCELLED;
        case "rejected" -> REJECTED;
        case "replaced" -> REPLACED;
        case "local-bye" -> LOCAL_BYE;
        case "remote-bye" -> REMOTE_BYE;
        case "error" -> ERROR;
        case "timeout" -> TIMEOUT;
        default -> null; // an extension value: treated as no reason
      };
    }
  }

  /** A participant's identity ({@code <local>} or {@code <remote>}). */
  public record Identity(String uri, String display) {

    /** The user part of a sip:/sips: URI, or the number of a tel: URI; null when there is none. */
    public String user() {
      return SipUris.user(uri);
    }
  }

  /**
   * One {@code <dialog>}.
   *
   * @param id required; unique within the entity
   * @param callId the dialog's Call-ID when the notifier reports it (Asterisk does not), else null
   * @param localTag {@code local-tag} or null
   * @param remoteTag {@code remote-tag} or null
   * @param initiator true for {@code direction="initiator"}, false for recipient, null when absent
   * @param state the dialog state
   * @param event why it terminated, or null
   * @param code the SIP status the state came with ({@code <state code>}), or null
   * @param duration {@code <duration>} in seconds, or null
   * @param local the monitored side, or null
   * @param remote the other side (the caller when the entity is an agent or the hotline), or null
   */
  public record Dialog(String id, String callId, String localTag, String remoteTag, Boolean initiator, State state, Event event,
      Integer code, Long duration, Identity local, Identity remote) {}
}
