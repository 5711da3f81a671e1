package org.hotline1022.gateway.adapter.sip;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.hotline1022.gateway.adapter.sip.DialogInfo.Dialog;
import org.hotline1022.gateway.adapter.sip.DialogInfo.Identity;

/**
 * Parses RFC 4235 {@code application/dialog-info+xml} bodies with the JDK's StAX reader. Hostile
 * input is bounded: bytes, element depth, dialogs per document and characters per text; any DTD is
 * refused (so neither internal entity bombs nor external entities can be used), and external
 * entities are switched off as a second guard. Elements and attributes it does not know are skipped
 * (RFC 4235 allows extensions); namespaces are not checked, only local names (senders differ).
 * Thread-safe.
 */
public final class DialogInfoParser {
  /** Bounds; the defaults fit any real notifier (Kamailio sends one dialog per PUBLISH). */
  public record Limits(int maxBytes, int maxDepth, int maxDialogs, int maxTextChars) {
    public static final Limits DEFAULT = new Limits(65_535, 16, 256, 1024);
  }

  private static final XMLInputFactory FACTORY = factory();
  private final Limits limits;

  public DialogInfoParser(Limits limits) {
    this.limits = limits;
  }

  public DialogInfoParser() {
    this(Limits.DEFAULT);
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    return f;
  }

  public DialogInfo parse(byte[] body) throws DialogInfoException {
    if (body == null || body.length == 0) {
      throw new DialogInfoException(DialogInfoException.Reason.INVALID, "empty body");
    }
    if (body.length > limits.maxBytes()) {
      throw new DialogInfoException(DialogInfoException.Reason.TOO_LARGE, "body of " + body.length + " bytes");
    }
    XMLStreamReader r = null;
    try {
      synchronized (FACTORY) { // the factory is not documented thread-safe for creation
        r = FACTORY.createXMLStreamReader(new StringReader(utf8(body)));
      }
      return read(r);
    } catch (XMLStreamException | RuntimeException e) {
      // the JDK reader throws unchecked exceptions for some broken input; neither carries body text out
      throw new DialogInfoException(DialogInfoException.Reason.MALFORMED, "not well-formed XML");
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing held open: the input is a byte array
        }
      }
    }
  }

  /**
   * Bodies are UTF-8 (RFC 4235 §4 and RFC 7303 defaults); decoding here, strictly, keeps broken bytes
   * a typed rejection instead of a reader error printed to stderr.
   */
  private static String utf8(byte[] body) throws DialogInfoException {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new DialogInfoException(DialogInfoException.Reason.MALFORMED, "not UTF-8");
    }
  }

  /** Walks the document; the builder objects below collect one dialog at a time. */
  private DialogInfo read(XMLStreamReader r) throws XMLStreamException, DialogInfoException {
    int depth = 0;
    Long version = null;
    Boolean full = null;
    String entity = null;
    List<Dialog> dialogs = new ArrayList<>();
    DialogBuilder d = null;
    IdentityBuilder party = null; // inside <local> or <remote>
    StringBuilder text = null; // collecting text of a leaf we use
    String leaf = null;
    while (r.hasNext()) {
      int ev = r.next();
      switch (ev) {
        case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
            throw new DialogInfoException(DialogInfoException.Reason.DTD, "DTD or entity reference refused");
        case XMLStreamConstants.START_ELEMENT -> {
          depth++;
          if (depth > limits.maxDepth()) {
            throw new DialogInfoException(DialogInfoException.Reason.TOO_LARGE, "nesting deeper than " + limits.maxDepth());
          }
          String name = r.getLocalName();
          if (depth == 1) {
            if (!name.equals("dialog-info")) {
              throw new DialogInfoException(DialogInfoException.Reason.INVALID, "root is not dialog-info");
            }
            version = number(attr(r, "version"), "version");
            full = fullOrPartial(attr(r, "state"));
            entity = attr(r, "entity");
          } else if (depth == 2 && name.equals("dialog")) {
            if (dialogs.size() >= limits.maxDialogs()) {
              throw new DialogInfoException(DialogInfoException.Reason.TOO_LARGE, "more than " + limits.maxDialogs() + " dialogs");
            }
            d = new DialogBuilder();
            d.id = bounded(attr(r, "id"));
            d.callId = bounded(attr(r, "call-id"));
            d.localTag = bounded(attr(r, "local-tag"));
            d.remoteTag = bounded(attr(r, "remote-tag"));
            String dir = attr(r, "direction");
            d.initiator = dir == null ? null : dir.trim().equalsIgnoreCase("initiator");
          } else if (depth == 3 && d != null) {
            switch (name) {
              case "state" -> {
                d.event = DialogInfo.Event.parse(attr(r, "event"));
                String code = attr(r, "code");
                d.code = code == null ? null : (int) Math.min(number(code, "code"), 999);
                leaf = name;
                text = new StringBuilder();
              }
              case "duration" -> {
                leaf = name;
                text = new StringBuilder();
              }
              case "local", "remote" -> party = new IdentityBuilder(name.equals("local"));
              default -> { } // replaces, referred-by, route-set, extensions
            }
          } else if (depth == 4 && party != null) {
            if (name.equals("identity")) {
              party.display = bounded(attr(r, "display"));
              leaf = name;
              text = new StringBuilder();
            } else if (name.equals("target")) {
              party.target = bounded(attr(r, "uri"));
            }
          }
        }
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          if (text != null) {
            if (text.length() + r.getTextLength() > limits.maxTextChars()) {
              throw new DialogInfoException(DialogInfoException.Reason.TOO_LARGE, "text longer than " + limits.maxTextChars());
            }
            text.append(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
          }
        }
        case XMLStreamConstants.END_ELEMENT -> {
          String name = r.getLocalName();
          if (leaf != null && depth == (leaf.equals("identity") ? 4 : 3) && name.equals(leaf)) {
            String t = text.toString().trim();
            switch (leaf) {
              case "state" -> {
                d.state = DialogInfo.State.parse(t);
                if (d.state == null) {
                  throw new DialogInfoException(DialogInfoException.Reason.INVALID, "unknown dialog state");
                }
              }
              case "duration" -> d.duration = t.isEmpty() ? null : number(t, "duration");
              case "identity" -> party.uri = t.isEmpty() ? null : t;
              default -> { }
            }
            leaf = null;
            text = null;
          } else if (depth == 3 && party != null && (name.equals("local") || name.equals("remote"))) {
            Identity id = party.build();
            if (party.local) {
              d.local = id;
            } else {
              d.remote = id;
            }
            party = null;
          } else if (depth == 2 && d != null && name.equals("dialog")) {
            dialogs.add(d.build());
            d = null;
          }
          depth--;
        }
        default -> { } // comments, processing instructions, end of document
      }
    }
    if (version == null) {
      throw new DialogInfoException(DialogInfoException.Reason.INVALID, "no dialog-info element");
    }
    if (entity == null || entity.isBlank()) {
      throw new DialogInfoException(DialogInfoException.Reason.INVALID, "dialog-info without entity");
    }
    return new DialogInfo(version, full, bounded(entity.trim()), dialogs);
  }

  private static String attr(XMLStreamReader r, String name) {
    for (int i = 0; i < r.getAttributeCount(); i++) {
      if (r.getAttributeLocalName(i).equals(name)) {
        return r.getAttributeValue(i);
      }
    }
    return null;
  }

  private String bounded(String s) throws DialogInfoException {
    if (s != null && s.length() > limits.maxTextChars()) {
      throw new DialogInfoException(DialogInfoException.Reason.TOO_LARGE, "attribute longer than " + limits.maxTextChars());
    }
    return s;
  }

  private static long number(String s, String what) throws DialogInfoException {
    if (s == null) {
      throw new DialogInfoException(DialogInfoException.Reason.INVALID, "missing " + what);
    }
    String t = s.trim();
    if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new DialogInfoException(DialogInfoException.Reason.INVALID, "bad " + what);
    }
    return Long.parseLong(t);
  }

  private static boolean fullOrPartial(String s) throws DialogInfoException {
    if ("full".equals(s == null ? null : s.trim())) {
      return true;
    }
    if ("partial".equals(s == null ? null : s.trim())) {
      return false;
    }
    throw new DialogInfoException(DialogInfoException.Reason.INVALID, "state is neither full nor partial");
  }

  private static final class DialogBuilder {
    String id;
    String callId;
    String localTag;
    String remoteTag;
    Boolean initiator;
    DialogInfo.State state;
    DialogInfo.Event event;
    Integer code;
    Long duration;
    Identity local;
    Identity remote;

    Dialog build() throws DialogInfoException {
      if (id == null || id.isBlank()) {
        throw new DialogInfoException(DialogInfoException.Reason.INVALID, "dialog without id");
      }
      if (state == null) {
        throw new DialogInfoException(DialogInfoException.Reason.INVALID, "dialog without state");
      }
      return new Dialog(id, blankToNull(callId), blankToNull(localTag), blankToNull(remoteTag), initiator, state, event, code, duration,
          local, remote);
    }
  }

  private static final class IdentityBuilder {
    final boolean local;
    String uri;
    String display;
    String target;

    IdentityBuilder(boolean local) {
      this.local = local;
    }

    Identity build() {
      String u = uri != null ? uri : target;
      return u == null ? null : new Identity(u, blankToNull(display));
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
