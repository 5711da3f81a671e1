package org.hotline1022.gateway.reply;

import java.util.Locale;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * Meters of the channel workers that serve replies: the Zalo OA token refresh and the automatic
 * receipts. Only {@link MicrometerSocialMetrics} knows Micrometer. Called from event loops: thread-safe
 * and non-blocking.
 */
public interface SocialMetrics {

  /** What became of one refresh-token exchange with the provider. */
  enum TokenOutcome {
    /** a new pair was stored */
    REFRESHED,
    /** the provider refused the refresh token: an admin must authorise again */
    REJECTED,
    /** network, timeout, 5xx or an unreadable answer: tried again later */
    FAILED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What the receipt worker did for one new inquiry of a channel with receipts on. */
  enum ReceiptOutcome {
    /** a receipt was queued in the outbox */
    QUEUED,
    /** auto-submitted, bounce or list mail: never answered by a machine */
    SKIPPED_AUTO,
    /** a Facebook comment: its only private reply is left to the agent */
    SKIPPED_COMMENT,
    /** an anonymous Zalo user: not reachable by the consultation message */
    SKIPPED_ANONYMOUS,
    /** the inquiry is older than receipts.maxAgeMinutes */
    SKIPPED_OLD,
    /** the inquiry already has one */
    DUPLICATE;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code hotline_token_refresh_total{provider,outcome}} */
  void tokenRefresh(String provider, TokenOutcome outcome);

  /** {@code hotline_receipts_total{channel,outcome}} */
  void receipt(Channel channel, ReceiptOutcome outcome);

  SocialMetrics NOOP = new SocialMetrics() {
    @Override
    public void tokenRefresh(String provider, TokenOutcome outcome) {}

    @Override
    public void receipt(Channel channel, ReceiptOutcome outcome) {}
  };
}
