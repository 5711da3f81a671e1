package org.hotline1022.gateway.config;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Automatic receipts with the tracking code for new inquiries ({@code receipts:} in gateway.yaml),
 * off by default, per channel.
 *
 * @param channels the channels that get a receipt (of zalo, facebook, email)
 * @param maxAgeMinutes an inquiry older than this gets none (after an outage, or when receipts are
 *     switched on, a late "we received your message" would confuse more than help)
 * @param pollIntervalMs how often the event log is looked at
 * @param text the receipt; {@code {code}} is replaced by the tracking code (an e-mail receipt answers
 *     the citizen's subject, with the code in it too)
 */
public record ReceiptConfig(Set<Channel> channels, int maxAgeMinutes, long pollIntervalMs, String text) {

  public static final String DEFAULT_TEXT = "Tổng đài 1022 đã tiếp nhận phản ánh của anh/chị. Mã tra cứu: {code}. "
      + "Cán bộ sẽ trả lời anh/chị trong thời gian sớm nhất. Đây là tin nhắn tự động, xin vui lòng không trả lời tin nhắn này.";

  public ReceiptConfig {
    channels = channels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(channels));
    if (!text.contains("{code}")) {
      throw new IllegalArgumentException("config receipts.text: must contain {code}");
    }
  }

  public boolean enabled() {
    return !channels.isEmpty();
  }

  /** The receipt for one inquiry. */
  public String textFor(String trackingCode) {
    return text.replace("{code}", trackingCode);
  }

  public static ReceiptConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree.Section s = ConfigTree.parse(yaml, env).section("receipts");
    Set<Channel> on = EnumSet.noneOf(Channel.class);
    for (Channel c : new Channel[] {Channel.ZALO, Channel.FACEBOOK, Channel.EMAIL}) {
      if (s.bool(c.tag(), false)) {
        on.add(c);
      }
    }
    return new ReceiptConfig(on, s.integer("maxAgeMinutes", 60, 1, 525_600), s.number("pollIntervalMs", 1000, 10, 3_600_000),
        s.string("text", DEFAULT_TEXT));
  }
}
