package org.hotline1022.gateway.media;

import java.util.Locale;
import org.hotline1022.gateway.inquiry.Channel;

/**
 * The media downloader's meters; only {@link MicrometerMediaMetrics} knows Micrometer. Thread-safe
 * and non-blocking.
 */
public interface MediaMetrics {

  /** What became of one download attempt. */
  enum Outcome {
    /** bytes stored */
    STORED,
    /** over media.maxBytes: metadata kept, not stored */
    TOO_LARGE,
    /** transient failure, retried later */
    RETRY,
    /** given up: a permanent refusal (e.g. an expired URL) or attempts exhausted */
    FAILED,
    /** not fetched: a host, scheme or address outside media.allowedHosts and friends (flagged failed) */
    REFUSED;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code hotline_media_downloads_total{channel,outcome}} */
  void download(Channel channel, Outcome outcome);

  MediaMetrics NOOP = (channel, outcome) -> {};
}
