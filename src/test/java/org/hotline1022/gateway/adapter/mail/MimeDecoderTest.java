package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.util.Base64;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Inbound;
import org.junit.jupiter.api.Test;

class MimeDecoderTest {
  private static final MimeDecoder.Limits LIMITS = new MimeDecoder.Limits(1 << 20, 50, 64 * 1024, 10 * 1024);
  private static final MimeDecoder.Origin ORIGIN = new MimeDecoder.Origin("INBOX", 7, 42, Instant.parse("2026-11-29T10:00:00Z"));
  private static final String VI = "Phản ánh đường Nguyễn Văn Cừ bị ngập sâu, đề nghị xử lý";
  private final MimeDecoder decoder = new MimeDecoder(LIMITS);

  private Inbound decode(String mime) {
    return decoder.decode(mime.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), ORIGIN);
  }

  private static boolean isNfc(String s) {
    return Normalizer.isNormalized(s, Normalizer.Form.NFC);
  }

  /** windows-1258 as Vietnamese mailers write it: base letters with separate tone marks. */
  static byte[] cp1258(String text) {
    Charset cs = Charset.forName("windows-1258");
    var enc = cs.newEncoder();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (char c : Normalizer.normalize(text, Normalizer.Form.NFC).toCharArray()) {
      String s = String.valueOf(c);
      if (!enc.canEncode(c)) {
        for (char tone : new char[] {'\u0300', '\u0301', '\u0303', '\u0309', '\u0323'}) {
          String base = Normalizer.normalize(Normalizer.normalize(s, Normalizer.Form.NFD).replace(String.valueOf(tone), ""),
              Normalizer.Form.NFC);
          if (base.length() == 1 && enc.canEncode(base.charAt(0)) && Normalizer.normalize(base + tone, Normalizer.Form.NFC).equals(s)) {
            s = base + tone;
            break;
          }
        }
      }
      out.writeBytes(s.getBytes(cs));
    }
    return out.toByteArray();
  }

  static String qWord(String charset, byte[] bytes) {
    StringBuilder sb = new StringBuilder("=?" + charset + "?Q?");
    for (byte b : bytes) {
      int v = b & 0xff;
      sb.append(v == ' ' ? "_" : (v < 128 && Character.isLetterOrDigit(v)) ? String.valueOf((char) v) : String.format("=%02X", v));
    }
    return sb.append("?=").toString();
  }

  @Test
  void utf8QuotedPrintableShouldDecodeToNfcWithRfc2047SubjectAndName() {
    String qp = qWord("UTF-8", VI.getBytes(StandardCharsets.UTF_8)).replace("=?UTF-8?Q?", "").replace("?=", "").replace('_', ' ');
    Inbound in = decode("""
        From: =?UTF-8?Q?Nguy=E1=BB=85n_V?= =?UTF-8?Q?=C4=83n_D=C3=A2n?= <Dan.Nguyen@Example.VN>
        To: 1022@tinh.gov.vn
        Subject: %s
        Message-ID: <abc-1@example.vn>
        Date: Sun, 29 Nov 2026 10:00:00 +0700
        MIME-Version: 1.0
        Content-Type: text/plain; charset=UTF-8
        Content-Transfer-Encoding: quoted-printable

        %s
        """.formatted(qWord("UTF-8", VI.getBytes(StandardCharsets.UTF_8)), qp));
    assertThat(in.channel()).isEqualTo(Channel.EMAIL);
    assertThat(in.subject()).isEqualTo(VI);
    assertThat(in.text()).isEqualTo(VI);
    assertThat(in.contact().displayName()).isEqualTo("Nguyễn Văn Dân");
    assertThat(in.contact().address()).isEqualTo("dan.nguyen@example.vn");
    assertThat(in.externalId()).isEqualTo("abc-1@example.vn");
    assertThat(in.threadKey()).isEqualTo("abc-1@example.vn");
    assertThat(in.newThread()).isFalse();
    assertThat(in.receivedAt()).isEqualTo(ORIGIN.receivedAt());
    assertThat(in.facts()).doesNotContainKeys("auto", "broken", "charsetFallback").containsEntry("uid", "42");
  }

  @Test
  void windows1258ShouldDecodeToNfcInSubjectAndEightBitBody() {
    byte[] body = cp1258(VI);
    assertThat(new String(body, Charset.forName("windows-1258"))).isNotEqualTo(VI); // decomposed before NFC
    ByteArrayOutputStream mime = new ByteArrayOutputStream();
    mime.writeBytes(("From: dan@example.vn\r\nSubject: " + qWord("windows-1258", cp1258(VI)) + "\r\nMessage-ID: <w1258@example.vn>\r\n"
        + "Content-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    mime.writeBytes(body);
    Inbound in = decoder.decode(mime.toByteArray(), ORIGIN);
    assertThat(in.subject()).isEqualTo(VI);
    assertThat(in.text()).isEqualTo(VI);
    assertThat(isNfc(in.text())).isTrue();
  }

  @Test
  void iso88591AndBase64ShouldDecode() {
    String b64 = Base64.getMimeEncoder(20, "\r\n".getBytes()).encodeToString(VI.getBytes(StandardCharsets.UTF_8));
    Inbound in = decode("""
        From: a@example.vn
        Subject: =?ISO-8859-1?Q?Caf=E9?=
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: base64

        %s
        """.formatted(b64));
    assertThat(in.subject()).isEqualTo("Café");
    assertThat(in.text()).isEqualTo(VI);
  }

  @Test
  void alternativeShouldPreferPlainTextAndFallBackToHtml() {
    String both = """
        From: a@example.vn
        Content-Type: multipart/alternative; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        Nội dung thuần
        --b1
        Content-Type: text/html; charset=utf-8

        <p>Nội dung <b>HTML</b></p>
        --b1--
        """;
    assertThat(decode(both).text()).isEqualTo("Nội dung thuần");
    String htmlOnly = """
        From: a@example.vn
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: multipart/related; boundary="r"

        --r
        Content-Type: text/html; charset=utf-8

        <html><head><style>p{}</style></head><body><p>Xin ch&agrave;o&nbsp;anh</p><div>Đường &amp; c&#7847;u</div><script>x()</script></body></html>
        --r--
        --m--
        """;
    Inbound in = decode(htmlOnly);
    assertThat(in.text()).isEqualTo("Xin ch&agrave;o anh\nĐường & cầu");
  }

  @Test
  void attachmentsShouldBecomeMetadataWithDecodedNames() {
    String data = Base64.getEncoder().encodeToString(new byte[3000]);
    Inbound in = decode("""
        From: a@example.vn
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: text/plain; charset=utf-8

        Ảnh đính kèm
        --m
        Content-Type: image/jpeg
        Content-Disposition: attachment; filename*=UTF-8''%%C4%%90%%C6%%B0%%E1%%BB%%9Dng.jpg
        Content-Transfer-Encoding: base64

        %s
        --m
        Content-Type: application/pdf; name="=?UTF-8?B?xJDGoW4ucGRm?="
        Content-Disposition: attachment
        Content-Transfer-Encoding: base64

        %s
        --m--
        """.formatted(data, Base64.getEncoder().encodeToString(new byte[20_000])));
    assertThat(in.text()).isEqualTo("Ảnh đính kèm");
    assertThat(in.attachments()).hasSize(2);
    assertThat(in.attachments().get(0).name()).isEqualTo("Đường.jpg");
    assertThat(in.attachments().get(0).contentType()).isEqualTo("image/jpeg");
    assertThat(in.attachments().get(0).size()).isEqualTo(3000L);
    assertThat(in.attachments().get(1).name()).isEqualTo("Đơn.pdf");
    assertThat(in.facts()).containsEntry("attachmentsOversize", "1");
  }

  @Test
  void quotedHistoryShouldBeTrimmedForDisplayButKeptRaw() {
    Inbound in = decode("""
        From: a@example.vn
        Subject: Re: phản ánh
        In-Reply-To: <ours-2@tinh.gov.vn>
        References: <root-1@example.vn> <ours-2@tinh.gov.vn>
        Content-Type: text/plain; charset=utf-8

        Vẫn chưa được xử lý.

        Vào Th 2, 30 thg 11, 2026 lúc 09:00 Tổng đài 1022 <1022@tinh.gov.vn> đã viết:
        > Chúng tôi đã tiếp nhận.
        >
        """);
    assertThat(in.text()).isEqualTo("Vẫn chưa được xử lý.");
    assertThat(in.raw()).contains("> Chúng tôi đã tiếp nhận.");
    assertThat(in.facts()).containsEntry("quoteTrimmed", "true").containsEntry("inReplyTo", "ours-2@tinh.gov.vn");
    assertThat(in.threadKey()).isEqualTo("root-1@example.vn");
  }

  @Test
  void quoteTrimmerShouldKeepInlineAnswersAndAllQuoteMail() {
    assertThat(QuoteTrimmer.trim("> hỏi\ntrả lời\n> hỏi 2\ntrả lời 2")).isEqualTo("> hỏi\ntrả lời\n> hỏi 2\ntrả lời 2");
    assertThat(QuoteTrimmer.trim("> only quote")).isEqualTo("> only quote");
    assertThat(QuoteTrimmer.trim("ok\n\n-----Original Message-----\nFrom: x")).isEqualTo("ok");
    assertThat(QuoteTrimmer.trim("ok\nOn Mon, 1 Dec 2026, A <a@b> wrote:\n> x")).isEqualTo("ok");
  }

  @Test
  void threadKeyShouldFallBackToInReplyToThenOwnId() {
    assertThat(decode("From: a@example.vn\nMessage-ID: <c@x>\nIn-Reply-To: <p@x>\n\nhi\n").threadKey()).isEqualTo("p@x");
    assertThat(decode("From: a@example.vn\nMessage-ID: <c@x>\n\nhi\n").threadKey()).isEqualTo("c@x");
  }

  @Test
  void missingMessageIdShouldGiveAStableHashOfMailboxUidValidityUidAndDate() {
    String mime = "From: a@example.vn\nDate: Sun, 29 Nov 2026 10:00:00 +0700\n\nhi\n";
    Inbound a = decode(mime);
    Inbound b = decode(mime);
    Inbound other = decoder.decode(mime.getBytes(StandardCharsets.UTF_8), new MimeDecoder.Origin("INBOX", 7, 43, ORIGIN.receivedAt()));
    assertThat(a.externalId()).isEqualTo(b.externalId()).startsWith("no-message-id-").isNotEqualTo(other.externalId());
    assertThat(a.facts()).containsEntry("messageIdMissing", "true");
    assertThat(a.threadKey()).isEqualTo(a.externalId());
  }

  @Test
  void automaticMailShouldBeFlagged() {
    assertThat(decode("From: a@example.vn\nAuto-Submitted: auto-replied\n\nOOO\n").facts()).containsEntry("auto", "auto-submitted");
    assertThat(decode("From: a@example.vn\nAuto-Submitted: no\n\nhi\n").facts()).doesNotContainKey("auto");
    assertThat(decode("From: a@example.vn\nPrecedence: bulk\n\nx\n").facts()).containsEntry("auto", "precedence");
    assertThat(decode("Return-Path: <>\nFrom: a@example.vn\n\nx\n").facts()).containsEntry("auto", "null-return-path");
    assertThat(decode("From: a@example.vn\nX-Autoreply: yes\n\nx\n").facts()).containsEntry("auto", "x-autoreply");
    assertThat(decode("From: a@example.vn\nList-Id: <l.example.vn>\n\nx\n").facts()).containsEntry("auto", "list");
    assertThat(decode("From: MAILER-DAEMON@example.vn\n\nx\n").facts()).containsEntry("auto", "system-sender");
    assertThat(decode("From: a@example.vn\nContent-Type: multipart/report; boundary=r\n\n--r\nContent-Type: text/plain\n\nbounce\n--r--\n")
        .facts()).containsEntry("auto", "multipart-report");
  }

  @Test
  void brokenMimeShouldBeStoredWithWhatCouldBeReadAndFlagged() {
    Inbound noBoundary = decode("From: a@example.vn\nContent-Type: multipart/mixed\n\nnội dung không ranh giới\n");
    assertThat(noBoundary.facts()).containsKey("broken");
    assertThat(noBoundary.text()).contains("nội dung không ranh giới");

    Inbound unknownCharset = decode("From: a@example.vn\nContent-Type: text/plain; charset=x-vni-unknown\n\nđường\n");
    assertThat(unknownCharset.text()).isEqualTo("đường");
    assertThat(unknownCharset.facts()).containsEntry("charsetFallback", "x-vni-unknown");

    byte[] undeclared = ("From: a@example.vn\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] body = cp1258("đường");
    byte[] all = new byte[undeclared.length + body.length];
    System.arraycopy(undeclared, 0, all, 0, undeclared.length);
    System.arraycopy(body, 0, all, undeclared.length, body.length);
    Inbound eightBit = decoder.decode(all, ORIGIN);
    assertThat(eightBit.text()).isEqualTo("đường");
    assertThat(eightBit.facts()).containsKey("charsetFallback");

    Inbound noFrom = decode("Subject: x\n\nhi\n");
    assertThat(noFrom.contact().address()).isEqualTo(MimeDecoder.NO_SENDER);
    assertThat(noFrom.facts()).containsEntry("senderMissing", "true");

    Inbound badBase64 = decode("From: a@example.vn\nContent-Transfer-Encoding: base64\n\n!!!not base64***\n");
    assertThat(badBase64.externalId()).isNotBlank();
  }

  @Test
  void limitsShouldBoundSizePartsAndHeaders() {
    MimeDecoder small = new MimeDecoder(new MimeDecoder.Limits(200, 3, 120, 1000));
    String big = "From: a@example.vn\r\n\r\n" + "x".repeat(1000);
    Inbound truncated = small.decode(big.getBytes(StandardCharsets.UTF_8), ORIGIN);
    assertThat(truncated.facts()).containsKey("truncated");
    assertThat(truncated.text()).hasSizeLessThan(200);

    StringBuilder parts = new StringBuilder("From: a@example.vn\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n");
    for (int i = 0; i < 10; i++) {
      parts.append("--m\r\nContent-Type: text/plain\r\n\r\npart").append(i).append("\r\n");
    }
    parts.append("--m--\r\n");
    Inbound capped = new MimeDecoder(new MimeDecoder.Limits(1 << 20, 3, 64 * 1024, 1000)).decode(
        parts.toString().getBytes(StandardCharsets.UTF_8), ORIGIN);
    assertThat(capped.facts()).containsKey("partsTruncated");
    assertThat(capped.text()).contains("part0").doesNotContain("part5");

    String manyHeaders = "From: a@example.vn\r\n" + "X-Pad: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n".repeat(50) + "\r\nbody text\r\n";
    Inbound headersCut = small.decode(manyHeaders.getBytes(StandardCharsets.UTF_8), ORIGIN);
    assertThat(headersCut.facts()).containsKey("headersTruncated");
    assertThat(headersCut.contact().address()).isEqualTo("a@example.vn");
  }
}
