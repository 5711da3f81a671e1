package org.hotline1022.gateway.intake;

/**
 * The event-bus contract between intake (any event loop) and the store's writer verticle:
 * a {@link Submission} is sent to {@link #ADDRESS} and answered with an {@link IngestResult} after
 * commit, or failed with a {@link IntakeException.Reason} ordinal as failure code.
 */
public final class WriterProtocol {
  public static final String ADDRESS = "hotline.store.ingest";

  private WriterProtocol() {}
}
