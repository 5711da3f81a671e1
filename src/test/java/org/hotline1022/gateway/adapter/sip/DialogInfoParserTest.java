package org.hotline1022.gateway.adapter.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.hotline1022.gateway.adapter.sip.DialogInfo.Dialog;
import org.hotline1022.gateway.adapter.sip.DialogInfoException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DialogInfoParserTest {
  private final DialogInfoParser parser = new DialogInfoParser();

  private DialogInfo parse(String xml) throws DialogInfoException {
    return parser.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void emptyFullDocumentFromTheNotifierScenario() throws Exception {
    DialogInfo d = parse("<?xml version=\"1.0\"?>\n<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"0\" "
        + "state=\"full\" entity=\"sip:1022@127.0.0.1\"/>");
    assertThat(d.version()).isZero();
    assertThat(d.full()).isTrue();
    assertThat(d.entity()).isEqualTo("sip:1022@127.0.0.1");
    assertThat(d.dialogs()).isEmpty();
  }

  @Test
  void earlyDialogWithIdentities() throws Exception {
    DialogInfo d = parse("""
        <?xml version="1.0"?>
        <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="partial" entity="sip:1022@127.0.0.1">
          <dialog id="d1" call-id="c1@pbx" local-tag="lt1" direction="recipient">
            <state>early</state>
            <remote><identity display="Nguyễn Văn A">sip:0912345678@127.0.0.1</identity><target uri="sip:x@y"/></remote>
            <local><identity>sip:agent07@127.0.0.1</identity></local>
          </dialog>
        </dialog-info>""");
    assertThat(d.full()).isFalse();
    Dialog dl = d.dialogs().get(0);
    assertThat(dl.id()).isEqualTo("d1");
    assertThat(dl.callId()).isEqualTo("c1@pbx");
    assertThat(dl.localTag()).isEqualTo("lt1");
    assertThat(dl.remoteTag()).isNull();
    assertThat(dl.initiator()).isFalse();
    assertThat(dl.state()).isEqualTo(DialogInfo.State.EARLY);
    assertThat(dl.remote().display()).isEqualTo("Nguyễn Văn A");
    assertThat(dl.remote().user()).isEqualTo("0912345678");
    assertThat(dl.local().user()).isEqualTo("agent07");
  }

  @Test
  void terminatedWithEventCodeAndDuration() throws Exception {
    DialogInfo d = parse("""
        <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:agent07@pbx">
          <dialog id="a" direction="initiator"><state event="rejected" code="486">terminated</state><duration>12</duration></dialog>
          <dialog id="b"><state event="remote-bye">terminated</state></dialog>
          <dialog id="c"><state event="x-vendor">terminated</state></dialog>
        </dialog-info>""");
    assertThat(d.dialogs()).extracting(Dialog::id).containsExactly("a", "b", "c");
    Dialog a = d.dialogs().get(0);
    assertThat(a.initiator()).isTrue();
    assertThat(a.event()).isEqualTo(DialogInfo.Event.REJECTED);
    assertThat(a.code()).isEqualTo(486);
    assertThat(a.duration()).isEqualTo(12);
    assertThat(d.dialogs().get(1).event()).isEqualTo(DialogInfo.Event.REMOTE_BYE);
    assertThat(d.dialogs().get(2).event()).isNull();
  }

  @Test
  void rfc4235ExampleWithExtensionsAndPrefixes() throws Exception {
    DialogInfo d = parse("""
        <?xml version="1.0" encoding="UTF-8"?>
        <di:dialog-info xmlns:di="urn:ietf:params:xml:ns:dialog-info" xmlns:x="urn:x-vendor" version="7" state="full"
            entity="sip:alice@example.com">
          <!-- a comment -->
          <di:dialog id="as7d900as8" call-id="a84b4c76e66710" local-tag="1928301774" remote-tag="456887766" direction="initiator">
            <di:state>confirmed</di:state>
            <di:replaces call-id="x" local-tag="y" remote-tag="z"/>
            <x:unknown><x:deep>ignored</x:deep></x:unknown>
            <di:local><di:identity display="Alice"><![CDATA[sip:alice@example.com]]></di:identity></di:local>
            <di:remote><di:target uri="tel:+84912345678;phone-context=x"/></di:remote>
          </di:dialog>
        </di:dialog-info>""");
    Dialog dl = d.dialogs().get(0);
    assertThat(d.version()).isEqualTo(7);
    assertThat(dl.state()).isEqualTo(DialogInfo.State.CONFIRMED);
    assertThat(dl.local().uri()).isEqualTo("sip:alice@example.com");
    assertThat(dl.remote().user()).isEqualTo("+84912345678");
  }

  @Test
  void externalEntityIsRefusedAndNothingIsRead() {
    assertThatThrownBy(() -> parse("""
        <?xml version="1.0"?>
        <!DOCTYPE dialog-info [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <dialog-info version="1" state="full" entity="&xxe;"/>"""))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> {
          assertThat(e.reason()).isIn(Reason.DTD, Reason.MALFORMED);
          assertThat(e.getMessage()).doesNotContain("root:");
        });
  }

  @Test
  void entityExpansionBombIsRefused() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\">");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY ").append((char) ('a' + i)).append(" \"").append(("&" + (char) ('a' + i - 1) + ";").repeat(10)).append("\">");
    }
    dtd.append("]>");
    assertThatThrownBy(() -> parse(dtd + "<dialog-info version=\"1\" state=\"full\" entity=\"&j;\"/>"))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> assertThat(e.reason()).isIn(Reason.DTD, Reason.MALFORMED));
  }

  @Test
  void plainDoctypeIsRefused() {
    assertThatThrownBy(() -> parse("<!DOCTYPE dialog-info><dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\"/>"))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> assertThat(e.reason()).isEqualTo(Reason.DTD));
  }

  @Test
  void boundsAreEnforced() {
    DialogInfoParser small = new DialogInfoParser(new DialogInfoParser.Limits(4096, 6, 2, 64));
    String three = "<dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\">"
        + "<dialog id=\"1\"><state>early</state></dialog>".repeat(3) + "</dialog-info>";
    assertThatThrownBy(() -> small.parse(three.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    String deep = "<dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\">" + "<x>".repeat(10) + "</x>".repeat(10) + "</dialog-info>";
    assertThatThrownBy(() -> small.parse(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    String longText = "<dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\"><dialog id=\"1\"><state>early</state>"
        + "<local><identity>sip:" + "a".repeat(100) + "@b</identity></local></dialog></dialog-info>";
    assertThatThrownBy(() -> small.parse(longText.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    byte[] big = new byte[4097];
    assertThatThrownBy(() -> small.parse(big))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "<dialog-info state=\"full\" entity=\"sip:a@b\"/>",
      "<dialog-info version=\"-1\" state=\"full\" entity=\"sip:a@b\"/>",
      "<dialog-info version=\"1\" state=\"half\" entity=\"sip:a@b\"/>",
      "<dialog-info version=\"1\" state=\"full\"/>",
      "<presence version=\"1\" state=\"full\" entity=\"sip:a@b\"/>",
      "<dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\"><dialog><state>early</state></dialog></dialog-info>",
      "<dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\"><dialog id=\"x\"/></dialog-info>",
      "<dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\"><dialog id=\"x\"><state>ringing</state></dialog></dialog-info>",
      "<dialog-info version=\"1\" state=\"full\" entity=\"sip:a@b\"><dialog id=\"x\"><state code=\"4x\">early</state></dialog></dialog-info>"})
  void invalidDocumentsAreTypedRejections(String xml) {
    assertThatThrownBy(() -> parse(xml))
        .isInstanceOfSatisfying(DialogInfoException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID));
  }

  @Test
  void malformedXml() {
    for (String xml : new String[] {"<dialog-info version=\"1\"", "not xml at all", "<dialog-info></dialog>", ""}) {
      assertThatThrownBy(() -> parse(xml)).isInstanceOf(DialogInfoException.class);
    }
  }

  /** Truncations and byte flips of a valid body: each is parsed or refused with a typed reason, never anything else. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void mutatedBodiesNeverEscapeAsOtherExceptions(long seed) {
    byte[] good = ("<?xml version=\"1.0\"?><dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"2\" state=\"partial\" "
        + "entity=\"sip:1022@pbx\"><dialog id=\"d\" call-id=\"c@pbx\"><state event=\"cancelled\" code=\"487\">terminated</state>"
        + "<remote><identity display=\"A\">sip:0912345678@pbx</identity></remote></dialog></dialog-info>").getBytes(StandardCharsets.UTF_8);
    Random rnd = new Random(seed);
    for (int i = 0; i < 300; i++) {
      byte[] b = java.util.Arrays.copyOf(good, rnd.nextInt(good.length + 1));
      for (int k = rnd.nextInt(4); k > 0 && b.length > 0; k--) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      }
      try {
        DialogInfo d = parser.parse(b);
        assertThat(d.entity()).isNotBlank();
      } catch (DialogInfoException e) {
        assertThat(e.reason()).isNotNull();
      }
    }
  }

  @Test
  void userParts() {
    assertThat(SipUris.user("sip:0912345678@pbx;user=phone")).isEqualTo("0912345678");
    assertThat(SipUris.user("<sips:%2B84912345678@pbx>")).isEqualTo("+84912345678");
    assertThat(SipUris.user("sip:alice:secret@pbx")).isEqualTo("alice");
    assertThat(SipUris.user("sip:pbx.example")).isNull();
    assertThat(SipUris.user("mailto:a@b")).isNull();
    assertThat(SipUris.user("tel:+842371022000;ext=1")).isEqualTo("+842371022000");
    assertThat(SipUris.user(null)).isNull();
  }
}
